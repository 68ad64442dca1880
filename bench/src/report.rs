//! `BENCHMARKS.md` from the raw result lines: for every scenario the median of its runs,
//! the range, and the target beside it.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use serde_json::Value;

/// Where the results are and where the report goes.
#[derive(clap::Args)]
pub struct Args {
    /// JSON lines written by `loadgen run` (and `rss_mib` lines from the run script).
    #[arg(long)]
    results: std::path::PathBuf,
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: std::path::PathBuf,
    /// What the numbers were measured on.
    #[arg(long)]
    machine: String,
    #[arg(long)]
    commit: String,
    /// `sqlite` or `postgres`.
    #[arg(long)]
    db: String,
}

/// The rows shown also as a ratio to the idle submit row of the same round (ratios hold
/// across machines; absolute rates do not).
const RELATIVE_TO: (&str, &[&str]) = ("rest-submit", &["rest-submit-draining", "rest-submit-cached"]);

/// The target for each scenario label, from the issue that set them.
const TARGETS: &[(&str, &str, &str)] = &[
    ("rest-submit", "throughput", "≥ 5,000 req/s on SQLite, ≥ 3,000 on Postgres; p99 ≤ 25 ms"),
    ("rest-submit-draining", "throughput", "≥ 80 % of rest-submit; p99 ≤ 25 ms"),
    ("rest-submit-cached", "throughput", "≥ 100 % of rest-submit"),
    ("grpc-submit", "throughput", "≥ 8,000 req/s; p99 ≤ 15 ms"),
    ("rest-status", "throughput", "≥ 15,000 req/s; p99 ≤ 10 ms"),
    ("rest-submit-lone", "p50", "p50 ≤ 1.2 ms on Postgres (before the regression of issue 26)"),
    ("e2e-word", "throughput", "≥ 400 jobs/s; every job SUCCESS"),
    ("e2e-pdf", "throughput", "≥ 150 jobs/s"),
    ("e2e-render-pdf", "throughput", "≥ e2e-pdf (no model call)"),
    ("e2e-c2", "throughput", "≥ 328 jobs/s on Postgres (before the regression of issue 26)"),
    ("e2e-300ms-c2", "throughput", "≥ 95 % of the 6.7 jobs/s bound"),
    ("e2e-300ms-c128", "throughput", "≥ 150 jobs/s"),
    ("cache-hit", "p50", "p50 ≤ 5 ms"),
    ("fair-batch", "throughput", "≥ 95 % of fair-batch-one-owner"),
    ("fair-batch-one-owner", "throughput", "the queue as before fair queues"),
];

/// The careers (roles) of the `e2e-realistic` rows, each run as `e2e-realistic-<roles>-ours`
/// and `…-old`, with the target speed-up of ours over the old design.
const REALISTIC: &[(u32, &str)] = &[(3, "—"), (8, "≥ 2×"), (15, "≥ 3×")];

/// The fair-queue rows: A's batch with B's job queued as B's (turns between owners), and
/// the same with B's job queued as A's (one owner: first come, first served).
const FAIR: (&str, &str) = ("fair-batch", "fair-batch-one-owner");

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A number with the precision its size deserves: 6.4 jobs/s, 2921 req/s.
fn shown(value: f64) -> String {
    if value.abs() < 100.0 { format!("{value:.1}") } else { format!("{value:.0}") }
}

/// A duration in seconds as "12 min 5 s".
fn minutes(seconds: f64) -> String {
    let seconds = seconds.round() as u64;
    format!("{} min {} s", seconds / 60, seconds % 60)
}

fn range(values: &[f64]) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    format!("{}–{}", shown(min), shown(max))
}

/// Writes the report.
pub fn write(args: Args) -> Result<()> {
    let text = std::fs::read_to_string(&args.results).context("reading the results")?;
    let rows: Vec<Value> =
        text.lines().filter(|l| l.starts_with('{')).map(serde_json::from_str).collect::<Result<_, _>>()?;
    let mut by_label: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for row in &rows {
        by_label.entry(row["label"].as_str().unwrap_or_default().to_owned()).or_default().push(row);
    }
    let field = |label: &str, name: &str| -> Vec<f64> {
        by_label.get(label).map(|rows| rows.iter().filter_map(|r| r[name].as_f64()).collect()).unwrap_or_default()
    };
    let mut out = String::new();
    out.push_str("# Benchmarks\n\n");
    out.push_str(&format!(
        "Written by `make bench` (BENCH_DB={}) on {}, commit `{}`. Each number is the median of the runs \
         (range beside it); latencies in ms. Raw results: `bench/results/`.\n\n",
        args.db, args.machine, args.commit
    ));
    if let (Some(build), Some(scenarios)) =
        (field("took-build", "seconds").pop(), field("took-scenarios", "seconds").pop())
    {
        out.push_str(&format!(
            "This `make bench` took {} (the release build {}, the scenarios {}); the target is under 15 minutes \
             on a fresh machine.\n\n",
            minutes(build + scenarios),
            minutes(build),
            minutes(scenarios)
        ));
    }
    out.push_str(
        "| scenario | runs | throughput /s (range) | p50 | p95 | p99 | max | errors | loadgen CPU | target |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---|\n");
    for (label, _, target) in TARGETS {
        let throughput = field(label, "throughput");
        if throughput.is_empty() {
            out.push_str(&format!("| {label} | 0 | not run | | | | | | | {target} |\n"));
            continue;
        }
        out.push_str(&format!(
            "| {label} | {} | {} ({}) | {:.2} | {:.2} | {:.2} | {:.1} | {:.0} | {:.0} % | {target} |\n",
            throughput.len(),
            shown(median(throughput.clone())),
            range(&throughput),
            median(field(label, "p50_ms")),
            median(field(label, "p95_ms")),
            median(field(label, "p99_ms")),
            median(field(label, "max_ms")),
            median(field(label, "errors")),
            median(field(label, "loadgen_cpu_pct")),
        ));
    }
    out.push_str(&relative(&field));
    out.push_str(&fairness(&field));
    out.push_str(&realistic(&field));
    out.push_str(&billed(&field));
    let cpu: Vec<&str> =
        TARGETS.iter().map(|(label, _, _)| *label).filter(|l| by_label.contains_key(&format!("cpu-{l}"))).collect();
    if !cpu.is_empty() {
        // PostgreSQL is a process of its own (SQLite runs inside the server).
        let mut processes = vec!["server", "edge", "worker", "redis"];
        if cpu.iter().any(|label| !field(&format!("cpu-{label}"), "postgres").is_empty()) {
            processes.push("postgres");
        }
        out.push_str(&format!("\n| where the CPU went (cores, median) | {} | loadgen |\n", processes.join(" | ")));
        out.push_str(&format!("|---|{}---|\n", "---|".repeat(processes.len())));
        for label in cpu {
            let cores: Vec<String> =
                processes.iter().map(|name| format!("{:.2}", median(field(&format!("cpu-{label}"), name)))).collect();
            let loadgen = median(field(label, "loadgen_cpu_pct")) / 100.0;
            out.push_str(&format!("| {label} | {} | {loadgen:.2} |\n", cores.join(" | ")));
        }
        out.push_str(&per_job(&field, &processes));
    }
    let renders: Vec<&String> = by_label.keys().filter(|l| l.starts_with("render-")).collect();
    if !renders.is_empty() {
        out.push_str("\n| render one resume, warm (criterion) | median ms | target |\n|---|---|---|\n");
        for label in renders {
            let target = if label.ends_with("pdf") { "≤ 8 ms" } else { "≤ 1.5 ms" };
            out.push_str(&format!("| {label} | {:.2} | {target} |\n", median(field(label, "median_ms"))));
        }
    }
    let memory: Vec<&String> = by_label.keys().filter(|l| l.starts_with("rss-")).collect();
    if !memory.is_empty() {
        out.push_str("\n| memory (RSS) | MiB, median (range) |\n|---|---|\n");
        for label in memory {
            let values = field(label, "rss_mib");
            let label = label.trim_start_matches("rss-");
            out.push_str(&format!("| {label} | {} ({}) |\n", shown(median(values.clone())), range(&values)));
        }
        out.push_str("\nTargets (idle / under the e2e load): server ≤ 30/60, edge ≤ 20/40, worker ≤ 80/160 MiB.\n");
    }
    std::fs::write(&args.out, out)?;
    Ok(())
}

/// The rows of [`RELATIVE_TO`] as ratios to its base row, round by round (the n-th run of a
/// row beside the n-th of the base), with the workers' completion rate where measured.
fn relative(field: &dyn Fn(&str, &str) -> Vec<f64>) -> String {
    let (base, labels) = RELATIVE_TO;
    let idle = field(base, "throughput");
    let mut out = String::new();
    for label in labels {
        let ratios: Vec<f64> = field(label, "throughput").iter().zip(&idle).map(|(x, idle)| 100.0 * x / idle).collect();
        if ratios.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(&format!(
                "\n| as a share of {base} in the same round | % of idle, median (range) | p99 ms | workers finished /s |\n\
                 |---|---|---|---|\n"
            ));
        }
        let completed = field(label, "completed_per_s");
        let completed = if completed.is_empty() { "".to_owned() } else { shown(median(completed)) };
        let (low, high) = ratios.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), r| (l.min(*r), h.max(*r)));
        out.push_str(&format!(
            "| {label} | {:.0} % ({low:.0}–{high:.0}) | {:.2} | {completed} |\n",
            median(ratios.clone()),
            median(field(label, "p99_ms"))
        ));
    }
    out
}

/// B's wait in task-times beside each fair-queue row, and the batch's throughput with turns
/// as a share of the one-owner queue's, round by round.
fn fairness(field: &dyn Fn(&str, &str) -> Vec<f64>) -> String {
    let (fair, one_owner) = FAIR;
    let ratios: Vec<f64> = field(fair, "throughput")
        .iter()
        .zip(field(one_owner, "throughput"))
        .map(|(fair, one)| 100.0 * fair / one)
        .collect();
    if ratios.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n| fair queues (A's batch, then B's one job; 2 workers × 2 slots) | B's wait, task-times (range) | \
         batch throughput, % of one owner's (range) | target |\n|---|---|---|---|\n",
    );
    for (label, share, target) in [
        (fair, format!("{:.0} % ({})", median(ratios.clone()), range(&ratios)), "B ≤ 3 task-times; ≥ 95 %"),
        (one_owner, "100 %".to_owned(), "(B waits behind A's batch)"),
    ] {
        let waits = field(label, "b_wait_task_times");
        out.push_str(&format!(
            "| {label} | {} ({}) | {share} | {target} |\n",
            shown(median(waits.clone())),
            range(&waits)
        ));
    }
    out
}

/// Ours beside the old design at a real model's pace (0.5 s + 80 tokens/s), career by
/// career: submit to SUCCESS p50 and p95 of each, the speed-up of the p50s round by round,
/// ours against its bound (the slowest single call's own time), and the progress updates a
/// job's watcher saw per second of generation.
fn realistic(field: &dyn Fn(&str, &str) -> Vec<f64>) -> String {
    let mut out = String::new();
    for (roles, target) in REALISTIC {
        let (ours, old) = (format!("e2e-realistic-{roles}-ours"), format!("e2e-realistic-{roles}-old"));
        let speedups: Vec<f64> =
            field(&old, "p50_ms").iter().zip(field(&ours, "p50_ms")).map(|(old, ours)| old / ours).collect();
        if speedups.is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(
                "\n| e2e-realistic (0.5 s + 80 tok/s; 4 jobs at a time) | ours p50 / p95 ms | old design p50 / p95 ms | \
                 speed-up of p50 (range) | ours: bound ms, p50 ÷ bound | progress updates per s of generation, \
                 ours / old | target |\n|---|---|---|---|---|---|---|\n",
            );
        }
        // Results from before the bound was measured have none.
        let bound = median(field(&ours, "bound_ms"));
        let bound = match bound > 0.0 {
            true => format!("{bound:.0}, {:.2}×", median(field(&ours, "p50_ms")) / bound),
            false => "–".to_owned(),
        };
        out.push_str(&format!(
            "| {roles} roles | {:.0} / {:.0} | {:.0} / {:.0} | {:.1}× ({}) | {bound} | {:.1} / {:.1} | \
             {target}; ≤ 1.1× the bound; ≥ 1 update/s |\n",
            median(field(&ours, "p50_ms")),
            median(field(&ours, "p95_ms")),
            median(field(&old, "p50_ms")),
            median(field(&old, "p95_ms")),
            median(speedups.clone()),
            range(&speedups),
            median(field(&ours, "progress_per_model_s")),
            median(field(&old, "progress_per_model_s")),
        ));
    }
    if !out.is_empty() {
        out.push_str(
            "\nEach progress update is one guarded UPDATE of the job row and one event to its watchers: \
             the server's extra load is 100 × the updates per second above, in events/s per 100 jobs being \
             written. The bound for each career is the slowest single call's own time (time to first \
             token + its reply's tokens ÷ 80).\n",
        );
    }
    out
}

/// The low-concurrency row's CPU per job, process by process: at worker concurrency 2
/// little is grouped, so this is what one job costs end to end (the row a regression on
/// the job path shows in first).
fn per_job(field: &dyn Fn(&str, &str) -> Vec<f64>, processes: &[&str]) -> String {
    const LABEL: &str = "e2e-c2";
    let throughput = median(field(LABEL, "throughput"));
    if throughput <= 0.0 {
        return String::new();
    }
    let ms: Vec<f64> =
        processes.iter().map(|name| median(field(&format!("cpu-{LABEL}"), name)) / throughput * 1000.0).collect();
    format!(
        "\n| CPU per job, {LABEL} (ms) | {} | all |\n|---|{}---|\n| {LABEL} | {} | {:.2} |\n",
        processes.join(" | "),
        "---|".repeat(processes.len()),
        ms.iter().map(|v| format!("{v:.2}")).collect::<Vec<_>>().join(" | "),
        ms.iter().sum::<f64>(),
    )
}

/// The reference prices a resume's tokens are billed at (gpt-4o-mini's list prices, USD
/// per million tokens: prompt, cached prompt, completion).
const PRICES: (f64, f64, f64) = (0.15, 0.075, 0.60);

/// What a resume's calls used, ours beside the old design, career by career, and what they
/// cost at [`PRICES`] (cached prompt tokens at the cached price).
fn billed(field: &dyn Fn(&str, &str) -> Vec<f64>) -> String {
    let used = |label: &str| {
        let [prompt, cached, completion] =
            ["prompt_tokens", "cached_tokens", "completion_tokens"].map(|name| median(field(label, name)));
        let (price, cached_price, completion_price) = PRICES;
        let cost = ((prompt - cached) * price + cached * cached_price + completion * completion_price) / 1e6;
        (format!("{prompt:.0} / {cached:.0} / {completion:.0}"), cost)
    };
    let mut out = String::new();
    for (roles, _) in REALISTIC {
        let (ours, old) = (format!("e2e-realistic-{roles}-ours"), format!("e2e-realistic-{roles}-old"));
        if field(&ours, "prompt_tokens").is_empty() || field(&old, "prompt_tokens").is_empty() {
            continue;
        }
        if out.is_empty() {
            out.push_str(
                "\n| tokens per resume (prompt / cached / completion) | ours | old design | cost ours / old \
                 (gpt-4o-mini prices, cached prompt at half) | target |\n|---|---|---|---|---|\n",
            );
        }
        let ((ours_tokens, ours_cost), (old_tokens, old_cost)) = (used(&ours), used(&old));
        out.push_str(&format!(
            "| {roles} roles | {ours_tokens} | {old_tokens} | ${ours_cost:.6} / ${old_cost:.6} = {:.2}× | ≤ 1.2× |\n",
            ours_cost / old_cost.max(f64::EPSILON),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realistic_rows_compare_each_career_with_the_old_design() {
        let rows = |label: &str, name: &str| -> Vec<f64> {
            match (label, name) {
                ("e2e-realistic-8-ours", "p50_ms") => vec![5000.0, 6000.0],
                ("e2e-realistic-8-old", "p50_ms") => vec![12000.0, 12000.0],
                ("e2e-realistic-8-ours", "progress_per_model_s") => vec![3.5],
                ("e2e-realistic-8-ours", "bound_ms") => vec![5000.0, 5100.0],
                _ => Vec::new(),
            }
        };
        let table = realistic(&rows);
        assert!(
            table.contains("| 8 roles | 5500 / 0 | 12000 / 0 | 2.2× (2.0–2.4) | 5050, 1.09× | 3.5 / 0.0 | ≥ 2×"),
            "{table}"
        );
        assert!(!table.contains("15 roles"), "a career not run is left out: {table}");
    }

    #[test]
    fn the_low_concurrency_row_shows_cpu_per_job() {
        let rows = |label: &str, name: &str| -> Vec<f64> {
            match (label, name) {
                ("e2e-c2", "throughput") => vec![200.0],
                ("cpu-e2e-c2", "server") => vec![0.4],
                ("cpu-e2e-c2", "worker") => vec![0.3],
                _ => Vec::new(),
            }
        };
        let table = per_job(&rows, &["server", "worker"]);
        assert!(table.contains("| e2e-c2 | 2.00 | 1.50 | 3.50 |"), "{table}");
        assert!(per_job(&|_: &str, _: &str| Vec::new(), &["server"]).is_empty(), "not run, not shown");
    }

    #[test]
    fn billed_rows_price_cached_tokens_at_the_cached_price() {
        let rows = |label: &str, name: &str| -> Vec<f64> {
            match (label, name) {
                ("e2e-realistic-8-ours", "prompt_tokens") => vec![4000.0],
                ("e2e-realistic-8-ours", "cached_tokens") => vec![2000.0],
                ("e2e-realistic-8-ours", "completion_tokens") => vec![1000.0],
                ("e2e-realistic-8-old", "prompt_tokens") => vec![2000.0],
                ("e2e-realistic-8-old", "completion_tokens") => vec![1000.0],
                (_, "cached_tokens") => vec![0.0],
                _ => Vec::new(),
            }
        };
        let table = billed(&rows);
        // Ours: 2000 × 0.15 + 2000 × 0.075 + 1000 × 0.6 = 1050; old: 300 + 600 = 900 (per 1e6).
        assert!(
            table.contains("| 8 roles | 4000 / 2000 / 1000 | 2000 / 0 / 1000 | $0.001050 / $0.000900 = 1.17× |"),
            "{table}"
        );
        assert!(!table.contains("15 roles"), "a career not run is left out: {table}");
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(vec![]), 0.0);
    }

    #[test]
    fn durations_in_minutes_and_seconds() {
        assert_eq!(minutes(59.4), "0 min 59 s");
        assert_eq!(minutes(838.0), "13 min 58 s");
    }

    #[test]
    fn ratios_pair_each_round_with_its_own_idle_run() {
        let rows = |label: &str, name: &str| -> Vec<f64> {
            match (label, name) {
                ("rest-submit", "throughput") => vec![1000.0, 2000.0, 4000.0],
                ("rest-submit-draining", "throughput") => vec![800.0, 1000.0, 3600.0],
                ("rest-submit-draining", "completed_per_s") => vec![300.0, 310.0, 320.0],
                ("rest-submit-draining", "p99_ms") => vec![20.0, 21.0, 22.0],
                _ => Vec::new(),
            }
        };
        let table = relative(&rows);
        assert!(table.contains("| rest-submit-draining | 80 % (50–90) | 21.00 | 310 |"), "{table}");
        assert!(!table.contains("rest-submit-cached"), "a row not run is left out: {table}");
    }

    #[test]
    fn fairness_pairs_each_round_with_its_one_owner_run() {
        let rows = |label: &str, name: &str| -> Vec<f64> {
            match (label, name) {
                ("fair-batch", "throughput") => vec![95.0, 100.0, 220.0],
                ("fair-batch-one-owner", "throughput") => vec![100.0, 100.0, 200.0],
                ("fair-batch", "b_wait_task_times") => vec![1.0, 2.0, 3.0],
                ("fair-batch-one-owner", "b_wait_task_times") => vec![150.0, 160.0, 170.0],
                _ => Vec::new(),
            }
        };
        let table = fairness(&rows);
        assert!(table.contains("| fair-batch | 2.0 (1.0–3.0) | 100 % (95.0–110) |"), "{table}");
        assert!(table.contains("| fair-batch-one-owner | 160 (150–170) | 100 % |"), "{table}");
        assert!(fairness(&|_, _| Vec::new()).is_empty(), "no fair rows, no table");
    }

    #[test]
    fn small_rates_keep_a_decimal() {
        assert_eq!(shown(6.43), "6.4");
        assert_eq!(shown(2921.4), "2921");
    }
}
