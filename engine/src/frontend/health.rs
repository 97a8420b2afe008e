//! `grpc.health.v1.Health`: the Go SDK (and so the `temporal` CLI) checks it when it dials.

use temporalio_protos::grpc::health::v1::{
    HealthCheckRequest, HealthCheckResponse, health_check_response::ServingStatus,
};

use crate::services::health::health_server::Health;

/// Always serving: the engine answers as soon as it listens.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct HealthService;

#[tonic::async_trait]
impl Health for HealthService {
    async fn check(
        &self,
        _request: tonic::Request<HealthCheckRequest>,
    ) -> Result<tonic::Response<HealthCheckResponse>, tonic::Status> {
        Ok(tonic::Response::new(HealthCheckResponse {
            status: ServingStatus::Serving as i32,
        }))
    }
}
