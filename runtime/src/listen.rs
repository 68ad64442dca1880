//! Binding a process's listeners: an address that is taken or cannot be used stops the
//! process at start with an error naming the variable that set it, before it logs that it
//! listens anywhere.

use std::net::SocketAddr;

use tokio::net::TcpListener;

/// A listener that could not be bound.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {variable}={addr}: {cause}")]
pub struct BindError {
    /// The environment variable that set the address (`SERVER_ADDR`, `EDGE_ADDR`…), so the
    /// operator knows what to change.
    pub variable: &'static str,
    /// The address asked for.
    pub addr: SocketAddr,
    /// What the system answered ("Address already in use"). In the message rather than a
    /// `source`, so that a log of the error alone still says why.
    pub cause: std::io::Error,
}

/// Binds `addr`, which the environment variable `variable` set.
pub async fn bind(variable: &'static str, addr: SocketAddr) -> Result<TcpListener, BindError> {
    TcpListener::bind(addr).await.map_err(|cause| BindError { variable, addr, cause })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_taken_address_is_named_with_its_variable() {
        let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let addr = taken.local_addr().expect("its address");
        let error = bind("SOME_ADDR", addr).await.expect_err("the address is taken");
        assert_eq!(error.to_string(), format!("cannot listen on SOME_ADDR={addr}: {}", error.cause));
        assert_eq!(error.cause.kind(), std::io::ErrorKind::AddrInUse);
    }
}
