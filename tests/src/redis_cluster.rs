//! A throwaway three-node Redis Cluster (no replicas) for the tests that need one: real
//! `redis-server` processes on free ports, joined by `redis-cli --cluster create`, killed
//! and their folder removed when dropped.

use std::time::Duration;

use anyhow::{Result, bail};
use test_support::TempDir;

use crate::{
    PATIENCE,
    redis_server::{Node, cli, free_port_pair},
};

/// A running cluster.
pub struct RedisCluster {
    /// `redis://` URL of one node, as `REDIS_URL` names it with `REDIS_CLUSTER=1`.
    pub url: String,
    nodes: Vec<Node>,
    dir: TempDir,
}

impl RedisCluster {
    /// Starts three nodes and waits until the cluster is up.
    pub async fn start() -> Result<RedisCluster> {
        let dir = TempDir::new("resume-cluster")?;
        let mut cluster = RedisCluster { url: String::new(), nodes: Vec::new(), dir };
        let mut ports = Vec::new();
        for _ in 0..3 {
            let port = free_port_pair()?;
            let config = format!("nodes-{port}.conf");
            let args = ["--cluster-enabled", "yes", "--cluster-config-file", &config];
            cluster.nodes.push(Node::start(port, cluster.dir.path(), &args).await?);
            ports.push(port);
        }
        let addresses: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let mut create = vec!["--cluster", "create"];
        create.extend(addresses.iter().map(String::as_str));
        create.extend(["--cluster-replicas", "0", "--cluster-yes"]);
        cli(&create)?;
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while tokio::time::Instant::now() < deadline {
            let ready = ports.iter().all(|p| {
                cli(&["-p", &p.to_string(), "cluster", "info"]).is_ok_and(|info| info.contains("cluster_state:ok"))
            });
            if ready {
                cluster.url = format!("redis://{}", addresses[0]);
                return Ok(cluster);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("the Redis Cluster did not report cluster_state:ok within {PATIENCE:?}")
    }
}
