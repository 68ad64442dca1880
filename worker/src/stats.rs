//! The worker's counters, shared by the pipeline, the heartbeat and `/metrics` (through
//! prometheus-client, in the OpenMetrics text format).

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family, gauge::Gauge},
};
use runtime::metrics::{MetricsRegistry, render};

use crate::model::reply::RepairKind;

/// A repair's kind, as a label.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepairLabels {
    kind: &'static str,
}

/// Counters since the worker started.
pub struct Stats {
    pub concurrency: Gauge,
    pub active: Gauge,
    pub processed: Counter,
    pub failed: Counter,
    /// Repairs made to model replies, by kind.
    repairs: Family<RepairLabels, Counter>,
    registry: MetricsRegistry,
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
        let mut registry = MetricsRegistry::default();
        let stats = Stats {
            concurrency: Gauge::default(),
            active: Gauge::default(),
            processed: Counter::default(),
            failed: Counter::default(),
            repairs: Family::default(),
            registry: MetricsRegistry::default(),
        };
        stats.concurrency.set(concurrency as i64);
        registry.register("worker_concurrency", "Tasks this worker runs at once", stats.concurrency.clone());
        registry.register("worker_tasks_active", "Tasks running now", stats.active.clone());
        registry.register("worker_tasks_processed", "Tasks finished", stats.processed.clone());
        registry.register("worker_tasks_failed", "Tasks that failed for good", stats.failed.clone());
        registry.register("worker_model_repairs", "Repairs made to model replies, by kind", stats.repairs.clone());
        // Every kind is shown from the start, at zero.
        for kind in RepairKind::ALL {
            let _ = stats.repairs.get_or_create(&RepairLabels { kind: kind.name() });
        }
        Stats { registry, ..stats }
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            concurrency: self.concurrency.get().max(0) as u64,
            active: self.active.get().max(0) as u64,
            processed: self.processed.get(),
            failed: self.failed.get(),
        }
    }

    /// Counts one repair of a model reply.
    pub fn repaired(&self, kind: RepairKind) {
        self.repairs.get_or_create(&RepairLabels { kind: kind.name() }).inc();
    }

    /// The counters in the OpenMetrics text format.
    pub fn prometheus(&self) -> String {
        render(&self.registry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_carries_every_counter() {
        let stats = Stats::new(4);
        stats.processed.inc_by(3);
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
