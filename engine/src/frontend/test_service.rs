//! `temporal.api.testservice.v1.TestService`: the time-skipping controls of the Java test
//! server, which the SDKs' time-skipping test environments call.

use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use temporalio_protos::temporal::api::testservice::v1::{
    GetCurrentTimeResponse, LockTimeSkippingRequest, LockTimeSkippingResponse, SleepRequest,
    SleepResponse, SleepUntilRequest, UnlockTimeSkippingRequest, UnlockTimeSkippingResponse,
};
use tonic::{Request, Response, Status};

use crate::error::EngineError;
use crate::services::testservice::test_service_server::TestService;
use crate::shared::Shared;
use crate::time::{duration, timestamp};

/// The TestService implementation.
#[derive(Debug, Clone)]
pub(crate) struct TestControl {
    pub(crate) shared: Arc<Shared>,
}

impl TestControl {
    /// Moves the clock ahead and lets the timer driver fire what fell due.
    fn advance(&self, by: Duration) {
        self.shared.lock().clock.advance(by);
        self.shared.timer_wake.notify_one();
    }
}

#[tonic::async_trait]
impl TestService for TestControl {
    async fn lock_time_skipping(
        &self,
        _request: Request<LockTimeSkippingRequest>,
    ) -> Result<Response<LockTimeSkippingResponse>, Status> {
        self.shared.lock().clock.lock();
        Ok(Response::new(LockTimeSkippingResponse {}))
    }

    async fn unlock_time_skipping(
        &self,
        _request: Request<UnlockTimeSkippingRequest>,
    ) -> Result<Response<UnlockTimeSkippingResponse>, Status> {
        let released = self.shared.lock().clock.unlock();
        self.shared.timer_wake.notify_one();
        if !released {
            return Err(
                EngineError::FailedPrecondition("time skipping is not locked".to_string()).into(),
            );
        }
        Ok(Response::new(UnlockTimeSkippingResponse {}))
    }

    /// Time moves ahead by the duration at once (the engine's sleep is a skip).
    async fn sleep(
        &self,
        request: Request<SleepRequest>,
    ) -> Result<Response<SleepResponse>, Status> {
        let by = duration(request.get_ref().duration.as_ref()).ok_or_else(|| {
            Status::from(EngineError::InvalidArgument(
                "duration is not set on request".to_string(),
            ))
        })?;
        self.advance(by);
        Ok(Response::new(SleepResponse {}))
    }

    async fn sleep_until(
        &self,
        request: Request<SleepUntilRequest>,
    ) -> Result<Response<SleepResponse>, Status> {
        let target = request
            .get_ref()
            .timestamp
            .as_ref()
            .map(|t| UNIX_EPOCH + Duration::new(t.seconds.max(0) as u64, t.nanos.max(0) as u32))
            .ok_or_else(|| {
                Status::from(EngineError::InvalidArgument(
                    "timestamp is not set on request".to_string(),
                ))
            })?;
        let now = self.shared.lock().now();
        if let Ok(ahead) = target.duration_since(now) {
            self.advance(ahead);
        }
        Ok(Response::new(SleepResponse {}))
    }

    async fn unlock_time_skipping_with_sleep(
        &self,
        request: Request<SleepRequest>,
    ) -> Result<Response<SleepResponse>, Status> {
        self.sleep(request).await
    }

    async fn get_current_time(
        &self,
        _request: Request<()>,
    ) -> Result<Response<GetCurrentTimeResponse>, Status> {
        let now = self.shared.lock().now();
        Ok(Response::new(GetCurrentTimeResponse {
            time: Some(timestamp(now)),
        }))
    }
}
