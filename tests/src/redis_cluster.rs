//! A throwaway three-node Redis Cluster (no replicas) for the tests that need one: real
//! `redis-server` processes on free ports, joined by `redis-cli --cluster create`, killed
//! and their folder removed when dropped.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use anyhow::{Context as _, Result, bail};

/// A running cluster.
pub struct RedisCluster {
    /// `redis://` URL of one node, as `REDIS_URL` names it with `REDIS_CLUSTER=1`.
    pub url: String,
    nodes: Vec<Child>,
    dir: PathBuf,
}

/// A port that is free, whose cluster bus port (+10000) is free too.
fn free_port_pair() -> Result<u16> {
    for _ in 0..100 {
        let port = 20_000 + (uuid::Uuid::new_v4().as_u128() % 20_000) as u16;
        if TcpListener::bind(("127.0.0.1", port)).is_ok() && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return Ok(port);
        }
    }
    bail!("no free port pair for a Redis Cluster node")
}

fn cli(args: &[&str]) -> Result<String> {
    let output = Command::new("redis-cli").args(args).stdin(Stdio::null()).output().context("running redis-cli")?;
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

impl RedisCluster {
    /// Starts three nodes and waits until the cluster is up.
    pub async fn start() -> Result<RedisCluster> {
        let dir = std::env::temp_dir().join(format!("resume-cluster-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let mut cluster = RedisCluster { url: String::new(), nodes: Vec::new(), dir };
        let mut ports = Vec::new();
        for _ in 0..3 {
            let port = free_port_pair()?;
            let node = Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--cluster-enabled", "yes"])
                .args(["--cluster-config-file", &format!("nodes-{port}.conf"), "--save", "", "--appendonly", "no"])
                .current_dir(&cluster.dir)
                .stdout(Stdio::null())
                .spawn()
                .context("starting redis-server (Debian's redis-server package)")?;
            cluster.nodes.push(node);
            ports.push(port);
        }
        let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        for address in &addresses {
            let port = address.rsplit(':').next().unwrap_or_default();
            let mut up = false;
            for _ in 0..100 {
                if cli(&["-p", port, "ping"])?.trim() == "PONG" {
                    up = true;
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            anyhow::ensure!(up, "Redis node {address} did not start");
        }
        let mut create = vec!["--cluster", "create"];
        create.extend(addresses.iter().map(String::as_str));
        create.extend(["--cluster-replicas", "0", "--cluster-yes"]);
        cli(&create)?;
        for _ in 0..200 {
            let ready = ports.iter().all(|p| {
                cli(&["-p", &p.to_string(), "cluster", "info"]).is_ok_and(|info| info.contains("cluster_state:ok"))
            });
            if ready {
                cluster.url = format!("redis://{}", addresses[0]);
                return Ok(cluster);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the Redis Cluster did not become ready")
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            let _ = node.kill();
            let _ = node.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
