//! "Ready" means the frontend answers real gRPC calls: `GetSystemInfo`, then `DescribeNamespace`
//! for every namespace the tests will use. A listening port alone is not enough.

use std::error::Error;
use std::time::Duration;

use temporalio_protos::temporal::api::workflowservice::v1::workflow_service_client::WorkflowServiceClient;
use temporalio_protos::temporal::api::workflowservice::v1::{
    DescribeNamespaceRequest, GetSystemInfoRequest,
};
use tonic::transport::{Channel, Endpoint};

/// Per-attempt bound on connecting; the overall deadline is the caller's.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Per-call bound during probing, so one stuck call cannot eat the whole deadline.
const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Connects a plain (no TLS) channel to `address` (`host:port`).
pub(crate) async fn connect(address: &str) -> Result<WorkflowServiceClient<Channel>, String> {
    let endpoint = Endpoint::from_shared(format!("http://{address}"))
        .map_err(|error| format!("bad address {address:?}: {}", error_chain(&error)))?
        .connect_timeout(CONNECT_TIMEOUT);
    let channel = endpoint
        .connect()
        .await
        .map_err(|error| error_chain(&error))?;
    Ok(WorkflowServiceClient::new(channel))
}

/// One readiness probe. `Err` says why the server is not ready yet.
pub(crate) async fn probe(address: &str, namespaces: &[String]) -> Result<(), String> {
    let mut client = connect(address)
        .await
        .map_err(|error| format!("connect: {error}"))?;
    client
        .get_system_info(timed(GetSystemInfoRequest {}))
        .await
        .map_err(|status| format!("GetSystemInfo: {:?}: {}", status.code(), status.message()))?;
    for namespace in namespaces {
        let request = DescribeNamespaceRequest {
            namespace: namespace.clone(),
            ..Default::default()
        };
        client
            .describe_namespace(timed(request))
            .await
            .map_err(|status| {
                format!(
                    "DescribeNamespace({namespace}): {:?}: {}",
                    status.code(),
                    status.message()
                )
            })?;
    }
    Ok(())
}

fn timed<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(CALL_TIMEOUT);
    request
}

/// `error: cause: cause ...` — tonic's transport errors say little without their sources.
pub(crate) fn error_chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    // Bounded: real chains are a handful deep.
    for _ in 0..16 {
        let Some(cause) = source else { break };
        let cause_text = cause.to_string();
        if !text.ends_with(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
