//! Real `redis-server` processes of a test's own, on free ports: a single node that a test
//! may stop and start again (to see the system lose and regain Redis), and the nodes the
//! throwaway cluster is made of. Each is killed when dropped.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context as _, Result, bail};
use test_support::{TempDir, ports};

use crate::PATIENCE;

/// A free port on 127.0.0.1, outside the ephemeral range (a node restarted on it must find
/// it still free), whose `+10000` neighbour (a cluster node's bus) is free too.
pub(crate) fn free_port_pair() -> Result<u16> {
    ports::free_port_with(&[10_000])
}

/// What `redis-cli args…` printed.
pub(crate) fn cli(args: &[&str]) -> Result<String> {
    let output = Command::new("redis-cli").args(args).stdin(Stdio::null()).output().context("running redis-cli")?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// One `redis-server` process, without persistence, run in `dir`.
pub(crate) struct Node {
    pub port: u16,
    dir: PathBuf,
    extra: Vec<String>,
    process: Option<Child>,
}

impl Node {
    /// Starts a node on `port` with `extra` arguments and waits until it answers.
    pub(crate) async fn start(port: u16, dir: &Path, extra: &[&str]) -> Result<Node> {
        let mut node =
            Node { port, dir: dir.to_owned(), extra: extra.iter().map(|a| (*a).to_owned()).collect(), process: None };
        node.restart().await?;
        Ok(node)
    }

    /// Starts the node again (after [`Node::kill`]), on the same port, with no data.
    pub(crate) async fn restart(&mut self) -> Result<()> {
        let port = self.port.to_string();
        let process = Command::new("redis-server")
            .args(["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .args(&self.extra)
            .current_dir(&self.dir)
            .stdout(Stdio::null())
            .spawn()
            .context("starting redis-server (Debian's redis-server package)")?;
        self.process = Some(process);
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            if cli(&["-p", &port, "ping"])?.trim() == "PONG" {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("Redis on port {port} did not answer PING within {PATIENCE:?}")
    }

    /// Kills the process, as a crash would.
    pub(crate) fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A single Redis of one test's own, which it can stop and start again.
pub struct RedisServer {
    /// `redis://127.0.0.1:<port>`.
    pub url: String,
    node: Node,
    _dir: TempDir,
}

impl RedisServer {
    /// Starts one on a free port.
    pub async fn start() -> Result<RedisServer> {
        let dir = TempDir::new("resume-redis")?;
        let node = Node::start(free_port_pair()?, dir.path(), &[]).await?;
        Ok(RedisServer { url: format!("redis://127.0.0.1:{}", node.port), node, _dir: dir })
    }

    /// Kills it: every connection drops and the port refuses new ones.
    pub fn stop(&mut self) {
        self.node.kill();
    }

    /// Starts it again on the same port, empty (it keeps nothing on disk).
    pub async fn start_again(&mut self) -> Result<()> {
        self.node.restart().await
    }
}
