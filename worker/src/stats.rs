//! The worker's counters, shared by the pipeline, the heartbeat and `/metrics`.

use std::{
    fmt::Write as _,
    sync::atomic::{AtomicU64, Ordering::Relaxed},
};

use crate::model::reply::RepairKind;

/// Counters since the worker started.
#[derive(Debug, Default)]
pub struct Stats {
    pub concurrency: AtomicU64,
    pub active: AtomicU64,
    pub processed: AtomicU64,
    pub failed: AtomicU64,
    /// Repairs made to model replies, by kind (in [`RepairKind::ALL`]'s order).
    repairs: [AtomicU64; RepairKind::ALL.len()],
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Snapshot {
    pub concurrency: u64,
    pub active: u64,
    pub processed: u64,
    pub failed: u64,
}

impl Stats {
    /// Counters for a worker running `concurrency` tasks at once.
    pub fn new(concurrency: usize) -> Stats {
        let stats = Stats::default();
        stats.concurrency.store(concurrency as u64, Relaxed);
        stats
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            concurrency: self.concurrency.load(Relaxed),
            active: self.active.load(Relaxed),
            processed: self.processed.load(Relaxed),
            failed: self.failed.load(Relaxed),
        }
    }

    /// Counts one repair of a model reply.
    pub fn repaired(&self, kind: RepairKind) {
        if let Some(i) = RepairKind::ALL.iter().position(|k| *k == kind) {
            self.repairs[i].fetch_add(1, Relaxed);
        }
    }

    /// The counters in the Prometheus text format.
    pub fn prometheus(&self) -> String {
        let s = self.snapshot();
        let mut text = format!(
            "# TYPE worker_concurrency gauge\nworker_concurrency {}\n\
             # TYPE worker_tasks_active gauge\nworker_tasks_active {}\n\
             # TYPE worker_tasks_processed_total counter\nworker_tasks_processed_total {}\n\
             # TYPE worker_tasks_failed_total counter\nworker_tasks_failed_total {}\n",
            s.concurrency, s.active, s.processed, s.failed
        );
        text.push_str("# TYPE worker_model_repairs_total counter\n");
        for (kind, count) in RepairKind::ALL.iter().zip(&self.repairs) {
            let _ = writeln!(text, "worker_model_repairs_total{{kind=\"{}\"}} {}", kind.name(), count.load(Relaxed));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_carries_every_counter() {
        let stats = Stats::new(4);
        stats.processed.fetch_add(3, Relaxed);
        let text = stats.prometheus();
        assert!(text.contains("worker_concurrency 4\n"), "{text}");
        assert!(text.contains("worker_tasks_processed_total 3\n"), "{text}");
        assert!(text.contains("worker_tasks_failed_total 0\n"), "{text}");
        stats.repaired(RepairKind::RoleMissing);
        let text = stats.prometheus();
        assert!(text.contains("worker_model_repairs_total{kind=\"role_missing\"} 1\n"), "{text}");
        assert!(text.contains("worker_model_repairs_total{kind=\"headline\"} 0\n"), "{text}");
    }
}
