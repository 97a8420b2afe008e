//! Dialling a frontend and checking that it answers.

use std::time::Duration;

use temporalio_protos::temporal::api::workflowservice::v1::GetSystemInfoRequest;
use temporalio_protos::temporal::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::{Channel, Endpoint};

use crate::connect_options::ConnectOptions;
use crate::error::{ClusterError, error_chain, status_text};
use crate::interceptor::MetadataInterceptor;
use crate::tls::client_tls_config;

/// A `WorkflowService` client whose calls carry the namespace and API key metadata.
pub type Client = WorkflowServiceClient<InterceptedService<Channel, MetadataInterceptor>>;

/// Largest response accepted. History pages with large payloads exceed tonic's 4 MiB default;
/// Temporal's own limit on a single payload is 2 MiB, on a blob 4 MiB, on a page a few of those.
pub const MAX_RESPONSE_BYTES: usize = 128 * 1024 * 1024;

/// HTTP/2 keep-alive, as the official SDKs do: long idle pulls survive NAT and load balancers.
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(15);

/// Connects to the frontend in `options` and checks that it answers `GetSystemInfo`, so a wrong
/// address, a TLS mismatch or a rejected API key fails here with a clear error rather than in
/// the middle of the work.
pub async fn connect(options: &ConnectOptions) -> Result<Client, ClusterError> {
    let target = options.target()?;
    let tls = options.effective_tls()?;
    let interceptor = MetadataInterceptor::new(&options.namespace, options.api_key.as_deref())?;

    let mut endpoint = Endpoint::from_shared(target.uri.clone())
        .map_err(|error| ClusterError::InvalidAddress {
            address: options.address.clone(),
            reason: error_chain(&error),
        })?
        .connect_timeout(options.connect_timeout)
        .tcp_nodelay(true)
        .http2_keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        .keep_alive_while_idle(true);
    if let Some(tls) = &tls {
        endpoint = endpoint
            .tls_config(client_tls_config(tls)?)
            .map_err(|error| ClusterError::TlsConfig {
                message: error_chain(&error),
            })?;
    }
    let channel = endpoint
        .connect()
        .await
        .map_err(|error| ClusterError::Unreachable {
            address: target.authority.clone(),
            message: describe_dial_error(&error, tls.is_some()),
        })?;

    let mut client = WorkflowServiceClient::with_interceptor(channel, interceptor)
        .max_decoding_message_size(MAX_RESPONSE_BYTES);
    let mut request = tonic::Request::new(GetSystemInfoRequest {});
    request.set_timeout(options.connect_timeout);
    match client.get_system_info(request).await {
        Ok(_) => Ok(client),
        // Transport failures after the handshake (a TLS 1.3 server refusing the client's
        // certificate, a connection reset) arrive as a status with the transport error inside.
        Err(status)
            if status.code() == tonic::Code::Unavailable
                || std::error::Error::source(&status).is_some() =>
        {
            Err(ClusterError::Unreachable {
                address: target.authority,
                message: describe_call_error(&status, tls.is_some()),
            })
        }
        Err(status) => Err(ClusterError::rpc(
            format!("GetSystemInfo on {}", target.authority),
            &status,
        )),
    }
}

fn describe_call_error(status: &tonic::Status, tls: bool) -> String {
    let chain = status_text(status);
    let lower = chain.to_ascii_lowercase();
    if tls && lower.contains("certificaterequired") {
        format!(
            "GetSystemInfo: {chain} (the server wants a client certificate: --tls-cert-path and --tls-key-path)"
        )
    } else if tls && (lower.contains("badcertificate") || lower.contains("unknownca")) {
        format!("GetSystemInfo: {chain} (the server refused the client certificate)")
    } else {
        format!("GetSystemInfo: {chain}")
    }
}

fn describe_dial_error(error: &tonic::transport::Error, tls: bool) -> String {
    let chain = error_chain(error);
    let lower = chain.to_ascii_lowercase();
    if tls
        && (lower.contains("corrupt message")
            || lower.contains("invalid content type")
            || lower.contains("received corrupt"))
    {
        format!(
            "{chain} (TLS is on: does the server speak TLS? a local dev server does not; use --tls=false)"
        )
    } else if tls && lower.contains("certificate") {
        format!("{chain} (check --tls-ca-path and --tls-server-name)")
    } else {
        chain
    }
}
