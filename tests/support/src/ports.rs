//! Ports for what a test must name a port to before it listens (a `redis-server`, a server
//! binary, a proxy that stops and listens again on the same port). They are picked below the
//! kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`), from which the
//! kernel hands out port 0 and the local end of every outgoing connection: a port picked
//! inside it may be taken by any connection between the check and the bind.

use std::net::TcpListener;

use anyhow::{Result, bail};

/// Ports below this one are left to well-known services (Redis, PostgreSQL, the defaults).
const LOWEST: u16 = 10_000;

/// The first port of the ephemeral range (32768 where it cannot be read).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}

/// A port on 127.0.0.1 that is free now and outside the ephemeral range.
pub fn free_port() -> Result<u16> {
    free_port_with(&[])
}

/// The same, with the ports `offsets` above it free (and outside the range) too: a Redis
/// Cluster node's bus listens on its port + 10000.
pub fn free_port_with(offsets: &[u16]) -> Result<u16> {
    let highest_offset = offsets.iter().copied().max().unwrap_or(0);
    let end = ephemeral_start().saturating_sub(highest_offset);
    if end <= LOWEST {
        bail!("no room below the ephemeral range (it starts at {}) for a port and +{offsets:?}", ephemeral_start());
    }
    let free = |port: u16| TcpListener::bind(("127.0.0.1", port)).is_ok();
    for _ in 0..100 {
        let port = LOWEST + (uuid::Uuid::new_v4().as_u128() % u128::from(end - LOWEST)) as u16;
        if free(port) && offsets.iter().all(|offset| free(port + offset)) {
            return Ok(port);
        }
    }
    bail!("no free port between {LOWEST} and {end} with {offsets:?} above it")
}
