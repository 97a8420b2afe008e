//! Bounded retries for calls that fail transiently (a busy or restarting frontend).

use std::future::Future;
use std::time::Duration;

/// Attempts per call, the first included.
const MAX_ATTEMPTS: u32 = 4;
/// Pause before the first retry; doubles each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// Bound on a single call, sent to the server as `grpc-timeout`.
pub(crate) const CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs `call` until it succeeds, fails with a status that retrying cannot fix, or has been
/// tried [`MAX_ATTEMPTS`] times.
pub(crate) async fn with_retries<T, F, Fut>(mut call: F) -> Result<T, tonic::Status>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, tonic::Status>>,
{
    let mut backoff = FIRST_BACKOFF;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(status) if is_transient(status.code()) && attempt < MAX_ATTEMPTS => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
            result => return result,
        }
    }
}

/// A request with the per-call deadline set.
pub(crate) fn timed<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.set_timeout(CALL_TIMEOUT);
    request
}

fn is_transient(code: tonic::Code) -> bool {
    // ResourceExhausted is Temporal's rate limiting; Unavailable a restarting or overloaded
    // frontend. DeadlineExceeded is not retried: the same call would likely time out again.
    matches!(
        code,
        tonic::Code::Unavailable | tonic::Code::ResourceExhausted
    )
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_a_bounded_number_of_times() {
        let calls = Cell::new(0);
        let result: Result<(), _> = with_retries(|| {
            calls.set(calls.get() + 1);
            async { Err(tonic::Status::unavailable("down")) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), MAX_ATTEMPTS);
    }

    #[tokio::test(start_paused = true)]
    async fn permanent_failures_are_not_retried() {
        let calls = Cell::new(0);
        let result: Result<(), _> = with_retries(|| {
            calls.set(calls.get() + 1);
            async { Err(tonic::Status::invalid_argument("bad query")) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_success_after_a_transient_failure_is_returned() {
        let calls = Cell::new(0);
        let result = with_retries(|| {
            calls.set(calls.get() + 1);
            let attempt = calls.get();
            async move {
                if attempt < 2 {
                    Err(tonic::Status::resource_exhausted("slow down"))
                } else {
                    Ok(attempt)
                }
            }
        })
        .await;
        assert_eq!(result.ok(), Some(2));
    }
}
