#!/usr/bin/env bash
# `make bench`: builds in release, runs every scenario BENCH_RUNS times (default 3), each
# against a freshly started system (server, workers, edge, a fake model with set latency,
# Redis, and the database BENCH_DB=sqlite|postgres names), then writes BENCHMARKS.md.
# Raw results go to bench/results/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DB="${BENCH_DB:-sqlite}"
RUNS="${BENCH_RUNS:-3}"
SECS="${BENCH_SECONDS:-5}"
# BENCH_PROFILE=dev and BENCH_SCALE=10 (a tenth of the jobs) make a quick smoke run.
PROFILE="${BENCH_PROFILE:-release}"
SCALE="${BENCH_SCALE:-1}"
BIN="target/$([[ "$PROFILE" == dev ]] && echo debug || echo "$PROFILE")"
# BENCH_BIN=DIR runs binaries built before (server, worker, edge, loadgen copied there), so
# that two commits can be measured in turns on the same machine at the same time: nothing is
# built, and the render group (criterion, which builds) is left out.
if [[ -n "${BENCH_BIN:-}" ]]; then
  BIN="$BENCH_BIN"
fi
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export JWT_SECRET="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export RUST_LOG=warn
# The limits are measured, not the load generator's user throttled: the API limit is on but
# far above the load (its Redis check is part of every request); model calls are not limited.
export API_RATE_LIMIT_PER_MIN="${API_RATE_LIMIT_PER_MIN:-1000000000}" TASK_RATE_LIMIT_PER_MIN=0
# BENCH_GROUPS picks scenario groups (api e2e model realistic cache fair render); all by default.
GROUPS_TO_RUN=" ${BENCH_GROUPS:-api e2e model realistic cache fair render} "
PG_ADMIN="${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"

# The packages the bench runs and the criterion bench, built in one go with one set of
# features. The bench brings the worker's dev-dependencies, whose features change those of
# shared crates: built apart, it rebuilt 55 crates (the worker, jsonwebtoken, digests) in
# 1 min 38 s; selecting only the worker, or the test crates too, rebuilt typst as well.
# `cargo bench` below then builds nothing (the bench profile is release's).
PACKAGES=(-p server -p worker -p edge -p bench)
wants() { [[ "$GROUPS_TO_RUN" == *" $1 "* ]]; }
render_bench=()
[[ "$PROFILE" == release ]] && render_bench=(--bench render --bench import)
[[ -z "${BENCH_BIN:-}" ]] && cargo build --profile "$PROFILE" "${PACKAGES[@]}" --bins "${render_bench[@]}"
build_seconds=$SECONDS
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
dir="bench/results/${stamp}-${BENCH_DB}"
mkdir -p "$dir"
results="$dir/results.jsonl"

pids=() databases=()
# Stops what start_system started, and drops its PostgreSQL databases (they were left
# behind: 172 of them after a day of runs, slowing the server's housekeeping).
stop_system() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  for database in "${databases[@]}"; do psql "$PG_ADMIN" -qc "DROP DATABASE IF EXISTS $database" >/dev/null || true; done
  pids=() databases=()
}
trap stop_system EXIT

source deploy/ports.sh

# start_system WORKERS CONCURRENCY MODEL_LATENCY_MS CACHE_TTL_SECS [INSTANCE]: a system on
# ports of its own (INSTANCE 0 by default), so that several can run side by side. The model
# answers MODEL_LATENCY_MS to its first token, then MODEL_TOKENS_PER_S tokens a second when
# that is set (else the whole answer at once); MODEL_MAX_PARALLEL_CALLS and MODEL_STREAM, when
# set, go to the workers. The ports
# are below the kernel's ephemeral range (32768 up), where outgoing connections could hold
# them: a server once failed to bind 50072 so.
start_system() {
  local prefix="bench$RANDOM$RANDOM" database instance="${5:-0}"
  SERVER_ADDR="127.0.0.1:$((20071 + instance))" EDGE_ADDR="127.0.0.1:$((20091 + instance))"
  WORKER_PID="" WORKER_METRICS=""
  case "$BENCH_DB" in
    sqlite) database="sqlite://$PWD/$dir/$prefix.db?mode=rwc" ;;
    postgres)
      psql "$PG_ADMIN" -qc "CREATE DATABASE $prefix" >/dev/null
      databases+=("$prefix")
      database="${PG_ADMIN%/*}/$prefix" ;;
    *) echo "BENCH_DB must be sqlite or postgres" >&2; exit 1 ;;
  esac
  rm -f "$dir/model.url"
  "$BIN/loadgen" fake-model --latency-ms "$3" ${MODEL_TOKENS_PER_S:+--tokens-per-s "$MODEL_TOKENS_PER_S"} \
    > "$dir/model.url" & pids+=($!)
  for _ in $(seq 300); do grep -q '^http' "$dir/model.url" 2>/dev/null && break; sleep 0.1; done
  grep -q '^http' "$dir/model.url" || { echo "the fake model did not start" >&2; exit 1; }
  export OPENAI_API_KEY=sk-bench OPENAI_MODEL=fake-model OPENAI_BASE_URL="$(cat "$dir/model.url")"
  REDIS_KEY_PREFIX="$prefix" SERVER_ADDR="$SERVER_ADDR" DATABASE_URL="$database" \
    SERVER_METRICS_ADDR="127.0.0.1:$((20111 + instance))" "$BIN/server" >> "$dir/server.log" 2>&1 & pids+=($!)
  SERVER_PID=$!
  wait_for_port "$SERVER_ADDR"
  for i in $(seq "$1"); do
    REDIS_KEY_PREFIX="$prefix" SERVER_URL="http://$SERVER_ADDR" WORKER_CONCURRENCY="$2" RESULT_CACHE_TTL_SECS="$4" \
      WORKER_METRICS_ADDR="127.0.0.1:$((20190 + 10 * instance + i))" WORKER_ID="$prefix-$i" \
      "$BIN/worker" >> "$dir/worker.log" 2>&1 & pids+=($!)
    WORKER_PID=$!
    WORKER_METRICS+="${WORKER_METRICS:+,}http://127.0.0.1:$((20190 + 10 * instance + i))/metrics"
  done
  EDGE_ADDR="$EDGE_ADDR" SERVER_URL="http://$SERVER_ADDR" "$BIN/edge" >> "$dir/edge.log" 2>&1 & pids+=($!)
  EDGE_PID=$!
  wait_for_port "$EDGE_ADDR"
  # A scenario may read the workers' /metrics at once.
  for i in $(seq "$1"); do wait_for_port "127.0.0.1:$((20190 + 10 * instance + i))"; done
  sleep 0.5
}

# rss LABEL PID FIELD: the process's VmRSS (now) or VmHWM (peak) as a result line.
rss() {
  local kib
  kib=$(awk -v f="$3:" '$1 == f {print $2}' "/proc/$2/status")
  printf '{"label":"rss-%s","rss_mib":%s}\n' "$1" "$(awk -v k="$kib" 'BEGIN {printf "%.1f", k / 1024}')" >> "$results"
}

# CPU clock ticks a process has used so far (0 when it is gone).
ticks() { [[ -n "${1:-}" && -r "/proc/$1/stat" ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
REDIS_PID="$(pgrep -x redis-server | head -1 || true)"
# All of PostgreSQL's processes together (its backends live as long as the server's pool).
postgres_ticks() {
  local total=0 pid
  for pid in $(pgrep -x postgres || true); do total=$((total + $(ticks "$pid"))); done
  echo "$total"
}

# run SCENARIO [--label L] ARGS…: one measurement, and the cores each process used meanwhile.
run() {
  echo "  $*" >&2
  local label="$1" names=(server edge worker redis) pids_now=("$SERVER_PID" "$EDGE_PID" "${WORKER_PID:-}" "$REDIS_PID")
  [[ "${2:-}" == "--label" ]] && label="$3"
  local before=() started ended i line pg_before=0
  for i in "${!names[@]}"; do before[i]=$(ticks "${pids_now[i]}"); done
  [[ "$BENCH_DB" == postgres ]] && pg_before=$(postgres_ticks)
  started=$(date +%s.%N)
  "$BIN/loadgen" run "$@" --edge "http://$EDGE_ADDR" --server "http://$SERVER_ADDR" >> "$results"
  ended=$(date +%s.%N)
  line="{\"label\":\"cpu-$label\""
  for i in "${!names[@]}"; do
    line+=$(awk -v a="${before[i]}" -v b="$(ticks "${pids_now[i]}")" -v t="$(getconf CLK_TCK)" -v s="$started" -v e="$ended" \
      -v n="${names[i]}" 'BEGIN {printf ",\"%s\":%.2f", n, (b - a) / t / (e - s)}')
  done
  if [[ "$BENCH_DB" == postgres ]]; then
    line+=$(awk -v a="$pg_before" -v b="$(postgres_ticks)" -v t="$(getconf CLK_TCK)" -v s="$started" -v e="$ended" \
      'BEGIN {printf ",\"postgres\":%.2f", (b - a) / t / (e - s)}')
  fi
  echo "$line}" >> "$results"
}

for round in $(seq "$RUNS"); do
  echo "round $round of $RUNS" >&2
  if wants api; then
    start_system 0 2 0 0
    rss server-idle "$SERVER_PID" VmRSS
    rss edge-idle "$EDGE_PID" VmRSS
    run rest-submit --concurrency 64 --seconds "$SECS"
    run grpc-submit --concurrency 64 --seconds "$SECS"
    run rest-status --concurrency 64 --seconds "$SECS"
    # One submission at a time on an idle system: a lone request's latency (its p50).
    run rest-submit --label rest-submit-lone --concurrency 1 --seconds "$SECS"
    stop_system
    # The same submissions while two workers drain at full speed (no cache, so each is a miss
    # and a model call), then repeated identical requests that the cache answers at submit;
    # the report shows both as a ratio to this round's idle rest-submit.
    start_system 2 8 0 0
    run rest-submit --label rest-submit-draining --concurrency 64 --seconds "$SECS" --worker-metrics "$WORKER_METRICS"
    stop_system
    start_system 1 8 0 3600
    run rest-submit-cached --concurrency 64 --seconds "$SECS"
    stop_system
  fi

  if wants e2e; then
    start_system 1 8 0 3600
    rss worker-idle "$WORKER_PID" VmRSS
    run e2e --label e2e-word --jobs $((2000 / SCALE)) --concurrency 64
    run e2e --label e2e-pdf --file-type pdf --jobs $((500 / SCALE)) --concurrency 64
    # An edited content rendered again and again: no model call, content → PDF.
    run e2e-render --label e2e-render-pdf --file-type pdf --jobs $((500 / SCALE)) --concurrency 64
    rss server-peak "$SERVER_PID" VmHWM
    rss edge-peak "$EDGE_PID" VmHWM
    rss worker-peak "$WORKER_PID" VmHWM
    stop_system
    # Low concurrency: one worker of two slots, an instant model, a few submitters: the
    # per-job cost of the path (statements, commits, round trips) rather than grouping.
    start_system 1 2 0 3600
    run e2e --label e2e-c2 --jobs $((1000 / SCALE)) --concurrency 4
    stop_system
  fi

  if wants model; then
    start_system 1 128 300 3600
    run e2e --label e2e-300ms-c128 --jobs $((2000 / SCALE)) --concurrency 256
    stop_system
  fi

  # Fair queues: A's batch of 500 queued at once, then B's one job, two workers of two
  # slots, a 20 ms model, no cache. B's wait in task-times, and the batch's throughput beside
  # the same run with B's job queued as A's (one owner: first come, first served).
  if wants fair; then
    start_system 2 2 20 0
    run fair-batch --jobs $((500 / SCALE)) --concurrency 64
    stop_system
    start_system 2 2 20 0
    run fair-batch --label fair-batch-one-owner --one-owner --jobs $((500 / SCALE)) --concurrency 64
    stop_system
  fi

  if wants cache; then
    start_system 1 2 0 3600
    run cache-hit --concurrency 1 --seconds 5
    stop_system
  fi

  # A real model's pace (0.5 s to the first token, then 80 tokens a second): careers of 3, 8
  # and 15 roles, fresh jobs (no cache), 4 at a time on one worker of 8 slots; ours (the
  # experience split over up to 4 calls, streamed), then the old design on the same worker
  # (two calls, no split, no streaming).
  if wants realistic; then
    for design in ours old; do
      if [[ "$design" == old ]]; then
        export MODEL_MAX_PARALLEL_CALLS=2 MODEL_STREAM=0
      fi
      MODEL_TOKENS_PER_S=80 start_system 1 8 500 0
      for roles in 3 8 15; do
        run e2e-realistic --label "e2e-realistic-$roles-$design" --roles "$roles" \
          --jobs $((8 / (SCALE > 4 ? 4 : SCALE))) --concurrency 4
      done
      stop_system
      unset MODEL_MAX_PARALLEL_CALLS MODEL_STREAM
    done
  fi
done

# 300 ms model, one worker of concurrency 2: bound by the model's latency (6.7 jobs/s, a few %
# of a core), 77 s a run. The runs go side by side, each on a system of its own.
if wants model; then
  echo "the model-bound runs, side by side" >&2
  runs=()
  for round in $(seq "$RUNS"); do
    start_system 1 2 300 3600 "$round"
    run e2e --label e2e-300ms-c2 --jobs $((500 / SCALE)) --concurrency 8 & runs+=($!)
  done
  for pid in "${runs[@]}"; do wait "$pid"; done
  stop_system
fi

# One resume rendered warm, and one import read offline (a two-page PDF, a LinkedIn ZIP),
# by criterion (each a median over 100 samples).
if wants render && [[ -z "${BENCH_BIN:-}" ]]; then
  cargo bench "${PACKAGES[@]}" --bench render --bench import -- --noplot >> "$dir/criterion.log" 2>&1
  for name in render-docx render-pdf import-pdf import-linkedin; do
    median_ns=$(sed -E 's/.*"median":\{"confidence_interval":\{[^}]*\},"point_estimate":([0-9.e+-]+).*/\1/' \
      "target/criterion/$name/new/estimates.json")
    printf '{"label":"%s","median_ms":%s}\n' "$name" "$(awk -v n="$median_ns" 'BEGIN {printf "%.3f", n / 1e6}')" >> "$results"
  done
fi

printf '{"label":"took-build","seconds":%s}\n{"label":"took-scenarios","seconds":%s}\n' \
  "$build_seconds" "$((SECONDS - build_seconds))" >> "$results"
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
machine="$(nproc) cores (${cpu:-unknown CPU}), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
# A partial run (BENCH_GROUPS) reports next to its raw results, leaving BENCHMARKS.md alone.
out=BENCHMARKS.md
[[ "$BENCH_DB" == postgres ]] && out=BENCHMARKS-postgres.md
[[ -n "${BENCH_GROUPS:-}" ]] && out="$dir/BENCHMARKS.md"
"$BIN/loadgen" report --results "$results" --out "$out" --machine "$machine" \
  --commit "$(git rev-parse --short HEAD)" --db "$BENCH_DB"
echo "wrote $out (raw: $results)" >&2
