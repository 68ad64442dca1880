//! Metrics every process exposes at `/metrics`, through prometheus-client (typed families,
//! encoded as OpenMetrics text by the crate): each process registers its own into a
//! [`Registry`] and answers a scrape with [`exposition`]: OpenMetrics to a scraper that
//! asks for it (Prometheus does), else the same text in the classic Prometheus format.
//! [`Requests`] is the one family pair the edge (per route) and the server (per RPC) share:
//! requests by route and outcome, and their latency; [`CacheLookups`] the cache family of
//! the server and the worker. Labels are bounded: a route is a path pattern or an RPC name,
//! never an id.

use std::{collections::HashSet, time::Duration};

use http::{HeaderName, HeaderValue, header};

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

pub use prometheus_client::registry::Registry as MetricsRegistry;

/// The content type of [`render`]'s text.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The content type of the classic Prometheus text format.
const CLASSIC: &str = "text/plain; version=0.0.4; charset=utf-8";

/// One request's route and outcome.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// `GET /api/candidates/{id}`, or `/resume.v1.ResumeService/GetJob`.
    pub route: String,
    /// The HTTP status, or the gRPC code name.
    pub status: String,
}

/// One request's route.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
}

/// Latency buckets from 0.25 ms to about 8 s.
fn latency() -> Histogram {
    Histogram::new(exponential_buckets(0.000_25, 2.0, 16))
}

/// Requests by route and outcome, and their latency by route.
#[derive(Clone)]
pub struct Requests {
    total: Family<RequestLabels, Counter>,
    seconds: Family<RouteLabels, Histogram, fn() -> Histogram>,
}

impl Requests {
    /// The pair, registered in `registry` as `<prefix>_requests_total` and
    /// `<prefix>_request_duration_seconds`.
    pub fn register(registry: &mut Registry, prefix: &str, what: &str) -> Requests {
        let requests =
            Requests { total: Family::default(), seconds: Family::new_with_constructor(latency as fn() -> Histogram) };
        registry.register(format!("{prefix}_requests"), format!("{what} by route and outcome"), requests.total.clone());
        registry.register(
            format!("{prefix}_request_duration_seconds"),
            format!("Time to answer {what}, by route"),
            requests.seconds.clone(),
        );
        requests
    }

    /// Counts one request to `route` that ended with `status` after `took`.
    pub fn observe(&self, route: &str, status: &str, took: Duration) {
        self.total.get_or_create(&RequestLabels { route: route.to_owned(), status: status.to_owned() }).inc();
        self.seconds.get_or_create(&RouteLabels { route: route.to_owned() }).observe(took.as_secs_f64());
    }
}

/// One cache lookup: which cache, and whether it hit.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LookupLabels {
    /// `result` (the finished file) or `content` (what a file is rendered from).
    cache: &'static str,
    /// `hit` or `miss`.
    result: &'static str,
}

/// Cache lookups by cache and result, every pair shown from the start at zero.
#[derive(Clone)]
pub struct CacheLookups(Family<LookupLabels, Counter>);

impl CacheLookups {
    /// The family, registered in `registry` as `<name>_total`.
    pub fn register(registry: &mut Registry, name: &str) -> CacheLookups {
        let lookups = CacheLookups(Family::default());
        registry.register(name, "Cache lookups by cache and result", lookups.0.clone());
        for cache in ["result", "content"] {
            for hit in [true, false] {
                let _ = lookups.0.get_or_create(&LookupLabels::new(cache, hit));
            }
        }
        lookups
    }

    /// Counts one lookup of `cache` (`result` or `content`).
    pub fn looked_up(&self, cache: &'static str, hit: bool) {
        self.0.get_or_create(&LookupLabels::new(cache, hit)).inc();
    }
}

impl LookupLabels {
    fn new(cache: &'static str, hit: bool) -> LookupLabels {
        LookupLabels { cache, result: if hit { "hit" } else { "miss" } }
    }
}

/// The registry's metrics as OpenMetrics text.
pub fn render(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = encode(&mut text, registry);
    text
}

/// The answer to a scrape of `registry` that sent `accept`: its content type and text.
/// OpenMetrics when the scraper names it (Prometheus lists it first); otherwise the
/// classic text format (version 0.0.4), which every reader of "Prometheus text" parses,
/// as the Prometheus client libraries negotiate.
pub fn exposition(registry: &Registry, accept: Option<&HeaderValue>) -> ([(HeaderName, &'static str); 1], String) {
    let text = render(registry);
    let openmetrics = accept
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("application/openmetrics-text"));
    if openmetrics {
        ([(header::CONTENT_TYPE, OPENMETRICS)], text)
    } else {
        ([(header::CONTENT_TYPE, CLASSIC)], classic(&text))
    }
}

/// OpenMetrics text in the classic format: a counter's family is named as its samples are
/// (with `_total`), and the `# UNIT` and `# EOF` lines go. Every family here is a counter,
/// a gauge or a histogram, whose samples read the same in both formats.
fn classic(openmetrics: &str) -> String {
    debug_assert!(
        openmetrics
            .lines()
            .filter_map(|line| line.strip_prefix("# TYPE ")?.rsplit(' ').next())
            .all(|kind| matches!(kind, "counter" | "gauge" | "histogram")),
        "a family the classic format would need rewritten otherwise: {openmetrics}"
    );
    let counters: HashSet<&str> =
        openmetrics.lines().filter_map(|line| line.strip_prefix("# TYPE ")?.strip_suffix(" counter")).collect();
    let mut text = String::with_capacity(openmetrics.len() + 16 * counters.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].into_iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_at(rest.find(' ').unwrap_or(rest.len()));
            counters.contains(name).then(|| format!("{prefix}{name}_total{tail}"))
        });
        text.push_str(renamed.as_deref().unwrap_or(line));
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_and_timed_by_route() {
        let mut registry = Registry::default();
        let requests = Requests::register(&mut registry, "http", "HTTP requests");
        requests.observe("GET /api/healthz", "200", Duration::from_millis(2));
        requests.observe("GET /api/healthz", "200", Duration::from_millis(3));
        let text = render(&registry);
        assert!(text.contains("http_requests_total{route=\"GET /api/healthz\",status=\"200\"} 2"), "{text}");
        assert!(text.contains("http_request_duration_seconds_count{route=\"GET /api/healthz\"} 2"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }

    #[test]
    fn a_scraper_gets_openmetrics_when_it_asks_and_the_classic_format_otherwise() {
        let mut registry = Registry::default();
        let requests = Requests::register(&mut registry, "http", "HTTP requests");
        let queued = prometheus_client::metrics::gauge::Gauge::<i64>::default();
        registry.register("queued_jobs", "Jobs waiting", queued.clone());
        queued.set(3);
        requests.observe("GET /x", "200", Duration::from_millis(1));

        let prometheus = HeaderValue::from_static(
            "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,\
             text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
        );
        let ([(_, content_type)], text) = exposition(&registry, Some(&prometheus));
        assert_eq!(content_type, OPENMETRICS);
        assert_eq!(text, render(&registry));

        for accept in [None, Some(HeaderValue::from_static("*/*")), Some(HeaderValue::from_static("text/plain"))] {
            let ([(_, content_type)], text) = exposition(&registry, accept.as_ref());
            assert_eq!(content_type, CLASSIC);
            let lines: Vec<&str> = text.lines().filter(|line| !line.contains("_bucket")).collect();
            assert_eq!(
                lines,
                [
                    "# HELP http_requests_total HTTP requests by route and outcome.",
                    "# TYPE http_requests_total counter",
                    "http_requests_total{route=\"GET /x\",status=\"200\"} 1",
                    "# HELP http_request_duration_seconds Time to answer HTTP requests, by route.",
                    "# TYPE http_request_duration_seconds histogram",
                    "http_request_duration_seconds_sum{route=\"GET /x\"} 0.001",
                    "http_request_duration_seconds_count{route=\"GET /x\"} 1",
                    "# HELP queued_jobs Jobs waiting.",
                    "# TYPE queued_jobs gauge",
                    "queued_jobs 3",
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn cache_lookups_show_every_pair_and_count_hits_apart_from_misses() {
        let mut registry = Registry::default();
        let lookups = CacheLookups::register(&mut registry, "x_cache_lookups");
        lookups.looked_up("content", true);
        let text = render(&registry);
        assert!(text.contains("x_cache_lookups_total{cache=\"content\",result=\"hit\"} 1\n"), "{text}");
        assert!(text.contains("x_cache_lookups_total{cache=\"content\",result=\"miss\"} 0\n"), "{text}");
        assert!(text.contains("x_cache_lookups_total{cache=\"result\",result=\"hit\"} 0\n"), "{text}");
    }
}
