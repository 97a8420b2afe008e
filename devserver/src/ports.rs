//! Free loopback ports, reserved by binding port 0 and released just before the server binds.

use std::net::{Ipv4Addr, TcpListener};

use crate::error::DevServerError;

/// `count` distinct free TCP ports on 127.0.0.1.
///
/// All listeners are held until every port is known, so the ports differ from each other. They
/// are released on return; another process may take one before the server binds it, which the
/// caller handles by starting over on fresh ports.
pub(crate) fn free_loopback_ports(count: usize) -> Result<Vec<u16>, DevServerError> {
    let mut listeners = Vec::with_capacity(count);
    let mut ports = Vec::with_capacity(count);
    for _ in 0..count {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .map_err(|source| DevServerError::PortAllocation { source })?;
        let port = listener
            .local_addr()
            .map_err(|source| DevServerError::PortAllocation { source })?
            .port();
        ports.push(port);
        listeners.push(listener);
    }
    drop(listeners);
    Ok(ports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_distinct_and_nonzero() -> Result<(), DevServerError> {
        let ports = free_loopback_ports(3)?;
        assert_eq!(ports.len(), 3);
        assert!(ports.iter().all(|port| *port != 0));
        assert!(ports[0] != ports[1] && ports[1] != ports[2] && ports[0] != ports[2]);
        Ok(())
    }
}
