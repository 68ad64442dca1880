//! A TCP proxy on 127.0.0.1 that a test can cut and restore, to make a backend (the
//! database) unreachable from the system under test without stopping the one that other
//! tests share; it counts the round trips made through it.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicU64, Ordering::SeqCst},
    },
};

use anyhow::{Result, bail};
use test_support::ports;
use tokio::{
    io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt},
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
    /// Round trips over every connection so far.
    round_trips: Arc<AtomicU64>,
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
        let proxy =
            TcpProxy { addr: listener.local_addr()?, target, tasks: Arc::default(), round_trips: Arc::default() };
        proxy.serve(listener);
        Ok(proxy)
    }

    /// How many times so far a client has sent to the backend: its first bytes on a
    /// connection, and then each time it sends after the backend has answered. Bytes a client
    /// sends one after another without waiting for an answer make one round trip.
    pub fn round_trips(&self) -> u64 {
        self.round_trips.load(SeqCst)
    }

    fn serve(&self, listener: TcpListener) {
        let (tasks, target, round_trips) = (self.tasks.clone(), self.target, self.round_trips.clone());
        self.tasks.lock().unwrap().spawn(async move {
            while let Ok((inbound, _)) = listener.accept().await {
                let round_trips = round_trips.clone();
                tasks.lock().unwrap().spawn(async move {
                    if let Ok(outbound) = TcpStream::connect(target).await {
                        let ((client_reads, client_writes), (backend_reads, backend_writes)) =
                            (inbound.into_split(), outbound.into_split());
                        // Whether the backend has sent anything since the client last did.
                        let answered = Arc::new(AtomicBool::new(true));
                        let asked = copy(client_reads, backend_writes, || {
                            if answered.swap(false, SeqCst) {
                                round_trips.fetch_add(1, SeqCst);
                            }
                        });
                        let answers = copy(backend_reads, client_writes, || answered.store(true, SeqCst));
                        let _ = tokio::join!(asked, answers);
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

/// Copies `from` to `to` until either ends, calling `seen` before each chunk is passed on.
async fn copy(mut from: impl AsyncRead + Unpin, mut to: impl AsyncWrite + Unpin, seen: impl Fn()) {
    let mut buffer = vec![0; 16 * 1024];
    while let Ok(read @ 1..) = from.read(&mut buffer).await {
        seen();
        if to.write_all(&buffer[..read]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}
