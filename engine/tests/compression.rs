//! Every service the engine serves accepts gzip-compressed requests, as the SDKs send them by
//! default (the Python, TypeScript and .NET time-skipping environments compress TestService
//! calls too). Raw tonic clients, so that the compression is set here and nowhere else.

use anyhow::{Context, Result};
use temporalio_protos::temporal::api::testservice::v1::GetCurrentTimeResponse;
use temporalio_protos::temporal::api::workflowservice::v1::{
    GetSystemInfoRequest, GetSystemInfoResponse,
};
use tonic::codec::CompressionEncoding;
use tonic::transport::Channel;
use wfkit_engine::TestEngine;

/// One unary call with a gzip-compressed request, by its full gRPC path.
async fn gzip_call<Req, Resp>(channel: Channel, path: &'static str, request: Req) -> Result<Resp>
where
    Req: prost::Message + Send + Sync + 'static,
    Resp: prost::Message + Default + Send + Sync + 'static,
{
    let mut grpc = tonic::client::Grpc::new(channel)
        .send_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Gzip);
    grpc.ready().await.context("channel ready")?;
    let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
    let response = grpc
        .unary(
            tonic::Request::new(request),
            tonic::codegen::http::uri::PathAndQuery::from_static(path),
            codec,
        )
        .await
        .with_context(|| format!("{path} with a gzip request"))?;
    Ok(response.into_inner())
}

#[tokio::test]
async fn test_service_and_workflow_service_accept_gzip() -> Result<()> {
    let engine = TestEngine::start().await?;
    let channel = Channel::from_shared(engine.url())?.connect().await?;

    let time: GetCurrentTimeResponse = gzip_call(
        channel.clone(),
        "/temporal.api.testservice.v1.TestService/GetCurrentTime",
        (),
    )
    .await?;
    let expected = engine
        .now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let seconds = time.time.context("GetCurrentTime returns a time")?.seconds;
    assert!(
        (seconds - expected).abs() <= 1,
        "TestService time {seconds} is the engine's {expected}"
    );

    let info: GetSystemInfoResponse = gzip_call(
        channel,
        "/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo",
        GetSystemInfoRequest::default(),
    )
    .await?;
    assert!(
        info.capabilities.is_some(),
        "GetSystemInfo answers with capabilities"
    );
    engine.stop().await;
    Ok(())
}
