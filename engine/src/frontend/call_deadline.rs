//! The deadline a client gave its call (the `grpc-timeout` header), for the few handlers whose
//! answer depends on it: a query that no worker can take answers a second before the deadline,
//! as the real server does, instead of running into it.
//!
//! The routes set it for the handler's task ([`within`]); handlers read it with [`remaining`].

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

tokio::task_local! {
    /// When the client stops waiting, if it said.
    static DEADLINE: Option<Instant>;
}

/// Runs `handler` with the deadline of a call whose `grpc-timeout` header is `header`.
pub(crate) async fn within<F: Future>(header: Option<&str>, handler: F) -> F::Output {
    let deadline = header
        .and_then(parse_grpc_timeout)
        .map(|t| Instant::now() + t);
    DEADLINE.scope(deadline, handler).await
}

/// The time left before the client's deadline, or `None` when it gave none (or outside a call).
pub(crate) fn remaining() -> Option<Duration> {
    DEADLINE
        .try_with(|deadline| *deadline)
        .ok()
        .flatten()
        .map(|deadline| deadline.saturating_duration_since(Instant::now()))
}

/// gRPC's timeout syntax: up to 8 digits and a unit, `H`ours, `M`inutes, `S`econds,
/// `m`illiseconds, `u` (micro) or `n`anoseconds.
fn parse_grpc_timeout(value: &str) -> Option<Duration> {
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grpc_timeouts_read_in_every_unit_and_nonsense_is_none() {
        assert_eq!(parse_grpc_timeout("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_grpc_timeout("3M"), Some(Duration::from_secs(180)));
        assert_eq!(parse_grpc_timeout("10S"), Some(Duration::from_secs(10)));
        assert_eq!(
            parse_grpc_timeout("2500m"),
            Some(Duration::from_millis(2500))
        );
        assert_eq!(parse_grpc_timeout("7u"), Some(Duration::from_micros(7)));
        assert_eq!(parse_grpc_timeout("9n"), Some(Duration::from_nanos(9)));
        for bad in ["", "S", "10", "10s", "123456789S", "-1S", "1.5S"] {
            assert_eq!(parse_grpc_timeout(bad), None, "{bad}");
        }
    }

    #[tokio::test]
    async fn a_handler_sees_the_deadline_of_its_own_call_only() {
        assert_eq!(remaining(), None);
        let left = within(Some("5S"), async { remaining() }).await;
        assert!(left.is_some_and(|left| left <= Duration::from_secs(5)));
        assert_eq!(within(None, async { remaining() }).await, None);
    }
}
