//! The worker's metrics, shared by the pipeline, the model client, the heartbeat and
//! `/metrics` (through prometheus-client, in the OpenMetrics text format): its slots, its
//! tasks, each model call by outcome with its latency and tokens, retries, rate-limit
//! waits, cache lookups, tasks recovered from dead workers and repairs of model replies.
//! Every label is a fixed name (a call, an outcome, a class, a kind), never an id.

use std::time::{Duration, Instant};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
};
use resume_proto::job::ErrorClass;
use runtime::metrics::{CacheLookups, MetricsRegistry};

use crate::model::{ModelError, Usage, openai, reply::RepairKind};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepairLabels {
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    /// `resume_main` or `resume_experience`.
    call: &'static str,
    /// `ok`, the failure's class (`model_unavailable`, `model_rate_limited`, …), or
    /// `cancelled` (the task was stopped mid-call: a shutdown's drain deadline passed).
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallNameLabels {
    call: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    /// `prompt` or `completion`.
    kind: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabels {
    class: &'static str,
}

/// The model calls' families; the OpenAI generator holds a clone.
#[derive(Clone)]
pub struct ModelCalls {
    calls: Family<CallLabels, Counter>,
    seconds: Family<CallNameLabels, Histogram, fn() -> Histogram>,
    tokens: Family<TokenLabels, Counter>,
}

/// Model call latencies, from 50 ms to about 100 s.
fn call_seconds() -> Histogram {
    Histogram::new(exponential_buckets(0.05, 2.0, 12))
}

impl ModelCalls {
    /// Starts timing one call named `call`.
    pub fn start(&self, call: &'static str) -> CallTimer<'_> {
        CallTimer { calls: self, call, started: Instant::now(), done: false }
    }

    fn count(&self, call: &'static str, took: Duration, outcome: &'static str) {
        self.calls.get_or_create(&CallLabels { call, outcome }).inc();
        self.seconds.get_or_create(&CallNameLabels { call }).observe(took.as_secs_f64());
    }
}

/// One model call being timed. Dropped unfinished (its task was stopped: a call is never
/// dropped for its sibling's failure, the two run to their end), it is counted as
/// `cancelled`.
pub struct CallTimer<'a> {
    calls: &'a ModelCalls,
    call: &'static str,
    started: Instant,
    done: bool,
}

impl CallTimer<'_> {
    /// Counts the call as it ended, with its tokens.
    pub fn finish(mut self, outcome: Result<Usage, &ModelError>) {
        let label = match outcome {
            Ok(usage) => {
                let tokens = &self.calls.tokens;
                tokens.get_or_create(&TokenLabels { kind: "prompt" }).inc_by(usage.prompt_tokens.into());
                tokens.get_or_create(&TokenLabels { kind: "completion" }).inc_by(usage.completion_tokens.into());
                "ok"
            }
            Err(error) => error.class().as_str(),
        };
        self.calls.count(self.call, self.started.elapsed(), label);
        self.done = true;
    }
}

impl Drop for CallTimer<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.calls.count(self.call, self.started.elapsed(), "cancelled");
        }
    }
}

/// Counters since the worker started.
pub struct Stats {
    /// Tasks this worker runs at once.
    pub slots: Gauge,
    /// Slots running a task now.
    pub busy: Gauge,
    pub processed: Counter,
    pub failed: Counter,
    /// Transient failures given another attempt, by class.
    retries: Family<ClassLabels, Counter>,
    /// Tasks parked by the task rate limit.
    pub rate_limited: Counter,
    /// The Redis result and content caches.
    pub lookups: CacheLookups,
    /// Tasks of dead workers (or of this worker's earlier run) put back in their queues.
    pub recovered: Counter,
    repairs: Family<RepairLabels, Counter>,
    pub model: ModelCalls,
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
            slots: Gauge::default(),
            busy: Gauge::default(),
            processed: Counter::default(),
            failed: Counter::default(),
            retries: Family::default(),
            rate_limited: Counter::default(),
            lookups: CacheLookups::register(&mut registry, "worker_cache_lookups"),
            recovered: Counter::default(),
            repairs: Family::default(),
            model: ModelCalls {
                calls: Family::default(),
                seconds: Family::new_with_constructor(call_seconds as fn() -> Histogram),
                tokens: Family::default(),
            },
            registry: MetricsRegistry::default(),
        };
        stats.slots.set(concurrency as i64);
        let s = &stats;
        registry.register("worker_slots", "Tasks this worker runs at once", s.slots.clone());
        registry.register("worker_slots_busy", "Slots running a task now", s.busy.clone());
        registry.register("worker_tasks_processed", "Tasks finished", s.processed.clone());
        registry.register("worker_tasks_failed", "Tasks that failed for good", s.failed.clone());
        registry.register(
            "worker_task_retries",
            "Attempts that failed transiently and will run again, by class",
            s.retries.clone(),
        );
        registry.register(
            "worker_task_rate_limited",
            "Tasks parked by the model's task rate limit",
            s.rate_limited.clone(),
        );
        registry.register(
            "worker_recovered_tasks",
            "Tasks of dead workers put back in their queues",
            s.recovered.clone(),
        );
        registry.register("worker_model_repairs", "Repairs made to model replies, by kind", s.repairs.clone());
        registry.register("worker_model_calls", "Model calls by call and outcome", s.model.calls.clone());
        registry.register(
            "worker_model_call_duration_seconds",
            "Time a model call took, by call",
            s.model.seconds.clone(),
        );
        registry.register("worker_model_tokens", "Tokens the model's replies cost, by kind", s.model.tokens.clone());
        // Every label value is there from the start, at zero.
        for kind in RepairKind::ALL {
            let _ = stats.repairs.get_or_create(&RepairLabels { kind: kind.name() });
        }
        for call in [openai::MAIN_CALL, openai::EXPERIENCE_CALL] {
            let _ = stats.model.seconds.get_or_create(&CallNameLabels { call });
            let model_failures = [
                ErrorClass::ModelUnavailable,
                ErrorClass::ModelRateLimited,
                ErrorClass::ModelInvalidReply,
                ErrorClass::ModelRefused,
            ];
            for outcome in ["ok", "cancelled"].into_iter().chain(model_failures.map(ErrorClass::as_str)) {
                let _ = stats.model.calls.get_or_create(&CallLabels { call, outcome });
            }
        }
        // The classes a transient failure, the kind that is tried again, can have.
        for class in [ErrorClass::ModelUnavailable, ErrorClass::ModelRateLimited, ErrorClass::ModelInvalidReply] {
            let _ = stats.retries.get_or_create(&ClassLabels { class: class.as_str() });
        }
        for kind in ["prompt", "completion"] {
            let _ = stats.model.tokens.get_or_create(&TokenLabels { kind });
        }
        Stats { registry, ..stats }
    }

    /// The counters now.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            concurrency: self.slots.get().max(0) as u64,
            active: self.busy.get().max(0) as u64,
            processed: self.processed.get(),
            failed: self.failed.get(),
        }
    }

    /// Counts one repair of a model reply.
    pub fn repaired(&self, kind: RepairKind) {
        self.repairs.get_or_create(&RepairLabels { kind: kind.name() }).inc();
    }

    /// Counts an attempt that failed with `class` and will run again.
    pub fn retried(&self, class: ErrorClass) {
        self.retries.get_or_create(&ClassLabels { class: class.as_str() }).inc();
    }

    /// The registry `/metrics` shows.
    pub fn registry(&self) -> &MetricsRegistry {
        &self.registry
    }
}

#[cfg(test)]
mod tests {
    use runtime::metrics::render;

    use super::*;

    #[test]
    fn the_text_carries_every_counter() {
        let stats = Stats::new(4);
        stats.processed.inc_by(3);
        let text = render(stats.registry());
        assert!(text.contains("worker_slots 4\n"), "{text}");
        assert!(text.contains("worker_tasks_processed_total 3\n"), "{text}");
        assert!(text.contains("worker_tasks_failed_total 0\n"), "{text}");
        stats.repaired(RepairKind::RoleMissing);
        let text = render(stats.registry());
        assert!(text.contains("worker_model_repairs_total{kind=\"role_missing\"} 1\n"), "{text}");
        assert!(text.contains("worker_model_repairs_total{kind=\"headline\"} 0\n"), "{text}");
    }

    #[test]
    fn model_calls_are_counted_by_outcome_with_their_tokens() {
        let stats = Stats::new(1);
        let usage = Usage { prompt_tokens: 120, cached_tokens: 0, completion_tokens: 30 };
        stats.model.start("resume_main").finish(Ok(usage));
        let busy = ModelError::Transient { reason: "HTTP 429".into(), retry_after: None };
        stats.model.start("resume_main").finish(Err(&busy));
        drop(stats.model.start("resume_experience"));
        let text = render(stats.registry());
        assert!(text.contains("worker_model_calls_total{call=\"resume_main\",outcome=\"ok\"} 1\n"), "{text}");
        assert!(
            text.contains("worker_model_calls_total{call=\"resume_main\",outcome=\"model_rate_limited\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("worker_model_tokens_total{kind=\"prompt\"} 120\n"), "{text}");
        assert!(text.contains("worker_model_tokens_total{kind=\"completion\"} 30\n"), "{text}");
        assert!(text.contains("worker_model_call_duration_seconds_count{call=\"resume_main\"} 2\n"), "{text}");
        assert!(
            text.contains("worker_model_calls_total{call=\"resume_experience\",outcome=\"cancelled\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("worker_model_calls_total{call=\"resume_experience\",outcome=\"ok\"} 0\n"), "{text}");
    }
}
