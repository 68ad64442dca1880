//! A TCP proxy on 127.0.0.1 that a test can cut and restore, to make a backend (the
//! database) unreachable from the system under test without stopping the one that other
//! tests share.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use anyhow::{Result, bail};
use test_support::ports;
use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinSet,
};

/// A running proxy to one address.
pub struct TcpProxy {
    /// Where the proxy listens.
    pub addr: SocketAddr,
    target: SocketAddr,
    /// The accept loop and every connection, all ended by a cut.
    tasks: Arc<Mutex<JoinSet<()>>>,
}

impl TcpProxy {
    /// Forwards a free port to `target`. The port is outside the ephemeral range: between a
    /// cut and a restore nothing listens on it, and a port of that range could meanwhile
    /// become the local end of any outgoing connection.
    pub async fn start(target: SocketAddr) -> Result<TcpProxy> {
        let mut bound = None;
        for _ in 0..10 {
            if let Ok(listener) = TcpListener::bind(("127.0.0.1", ports::free_port()?)).await {
                bound = Some(listener);
                break;
            }
        }
        let Some(listener) = bound else { bail!("no port outside the ephemeral range for the proxy") };
        let proxy = TcpProxy { addr: listener.local_addr()?, target, tasks: Arc::default() };
        proxy.serve(listener);
        Ok(proxy)
    }

    fn serve(&self, listener: TcpListener) {
        let (tasks, target) = (self.tasks.clone(), self.target);
        self.tasks.lock().unwrap().spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                tasks.lock().unwrap().spawn(async move {
                    if let Ok(mut outbound) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
    }

    /// Drops every connection and refuses new ones, as a stopped server does.
    pub fn cut(&self) {
        self.tasks.lock().unwrap().abort_all();
    }

    /// Listens again on the same port.
    pub async fn restore(&self) -> Result<()> {
        let listener = TcpListener::bind(self.addr).await?;
        self.serve(listener);
        Ok(())
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
    }
}
