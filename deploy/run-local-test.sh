#!/usr/bin/env bash
# Checks `make run` from the outside, as a user would: starts deploy/run-local.sh on free
# ports, with a data directory and Redis key prefix of its own, takes the demo token it
# prints with the app's sign-in link, asks /api/readyz, fetches the app, creates a candidate, generates a resume, downloads it, tests
# the API against its own OpenAPI document (tests/schemathesis/run.sh), then stops the
# system with SIGTERM and checks that every process exited and freed its port. Then every
# other way of stopping `make run` (below), each on a `make run` of its own. The API
# rate limit is off here: schemathesis sends a few thousand requests as one user.
# Needs the binaries of PROFILE (dev; `make build`); `make test` runs it after the Rust tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# On failure: the message, any panic the processes printed (message and location, not the
# backtrace), then the end of their output.
fail() {
  echo "run-local-test: $*" >&2
  if [[ -n "${work:-}" ]]; then
    grep -A2 "panicked at" "$work/out.log" | head -n 20 >&2 || true
    grep -v '^ *at \|^ *[0-9]*: ' "$work/out.log" | tail -n 30 >&2
  fi
  exit 1
}
source deploy/ports.sh
# A port nothing answers on, below the ephemeral range, and the one above it free too.
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 10000))
    answers "127.0.0.1:$port" || answers "127.0.0.1:$((port + 1))" || { echo "$port"; return; }
  done
  fail "found no free port"
}

work="$(mktemp -d)"
system=""
cleanup() {
  if [[ -n "$system" ]]; then kill -KILL -- "-$system" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

server_port=$(free_port) edge_port=$(free_port) metrics_port=$(free_port) server_metrics_port=$(free_port)
ports=("$server_port" "$edge_port" "$metrics_port" "$((metrics_port + 1))" "$server_metrics_port")
edge="http://127.0.0.1:$edge_port"
unset JWT_SECRET OPENAI_API_KEY SERVER_URL
export DATA_DIR="$work/data" REDIS_KEY_PREFIX="runlocal$RANDOM$RANDOM" RUST_LOG=warn API_RATE_LIMIT_PER_MIN=0 \
  DATABASE_URL="sqlite://$work/data/resume.db?mode=rwc" SERVER_ADDR="127.0.0.1:$server_port" \
  EDGE_ADDR="127.0.0.1:$edge_port" WORKER_METRICS_ADDR="127.0.0.1:$metrics_port" \
  SERVER_METRICS_ADDR="127.0.0.1:$server_metrics_port"

# running: waits for the system to say it runs (60 s at most).
running() {
  for _ in $(seq 600); do grep -q "Ctrl-C stops everything" "$work/out.log" && return; sleep 0.1; done
  fail "the system did not say it was running within 60 s"
}

# stopped HOW: waits for every port to be freed and every process of the system's session
# to end (a zombie, a killed make the test has not reaped yet, has), 60 s at most (a worker
# may take its drain deadline, 30 s), else fails naming HOW and what is left.
stopped() {
  local left busy
  for _ in $(seq 600); do
    left="$(ps -o pid=,stat=,args= -s "$system" | awk '$2 !~ /^Z/' || true)" busy=""
    for port in "${ports[@]}"; do answers "127.0.0.1:$port" && busy+=" $port"; done
    [[ -z "$left" && -z "$busy" ]] && break
    sleep 0.1
  done
  [[ -z "$left" ]] || fail "$1: processes left running: $left"
  [[ -z "$busy" ]] || fail "$1: ports still answer:$busy"
  wait "$system" 2>/dev/null || true
  system=""
}

# In a session of its own, so that the cleanup can reach every process it started.
setsid ./deploy/run-local.sh > "$work/out.log" 2>&1 &
system=$!
running
token="$(sed -n 's/^ *export TOKEN=//p' "$work/out.log")"
[[ -n "$token" && "$token" == "$(cat "$DATA_DIR/demo_token")" ]] || fail "no demo token printed and saved"
grep -qF "http://127.0.0.1:$edge_port/#token=$token" "$work/out.log" || fail "no sign-in link to the app printed"

api() { curl -sS --max-time 10 -H "Authorization: Bearer $token" "$@"; }
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

ready=""
for _ in $(seq 100); do
  ready="$(curl -sS --max-time 5 "$edge/api/readyz" || true)"
  [[ "$ready" == *'"workers":2'* ]] && break
  sleep 0.1
done
[[ "$ready" == *'"status":"ok"'* && "$ready" == *'"workers":2'* ]] || fail "readyz: $ready"

# The app at / (a client-side route too), with its security headers.
page="$(curl -sS -D - --max-time 5 "$edge/candidates/1")" || fail "the app does not answer"
[[ "$page" == *'<div id="root">'* && "${page,,}" == *"content-security-policy: default-src 'self'"* ]] \
  || fail "the app is not served at / with its policy: $page"

# Every process's /metrics answers, without a token, in the classic Prometheus text format
# (curl does not ask for OpenMetrics).
for url in "$edge/metrics" "http://127.0.0.1:$server_metrics_port/metrics" "http://127.0.0.1:$metrics_port/metrics"; do
  metrics="$(curl -sS --max-time 5 "$url")" || fail "$url does not answer"
  [[ "$metrics" == *"_total"* ]] || fail "$url: no counters in: $metrics"
done

candidate="$(api -H 'Content-Type: application/json' "$edge/api/candidates" \
  -d '{"full_name":"Ada Lovelace","email":"ada@example.com","skills":["Rust"]}')"
candidate_id="$(field '["id"]' <<< "$candidate")" || fail "create candidate: $candidate"
job="$(api -H 'Content-Type: application/json' "$edge/api/resume-async/generate-async" \
  -d "{\"candidate_id\":$candidate_id,\"file_type\":\"word\"}")"
job_id="$(field '["job_id"]' <<< "$job")" || fail "generate: $job"
status=""
for _ in $(seq 300); do
  status="$(api "$edge/api/resume-async/job-status/$job_id" | field '["status"]' || true)"
  [[ "$status" == SUCCESS || "$status" == FAILURE ]] && break
  sleep 0.1
done
[[ "$status" == SUCCESS ]] || fail "job $job_id ended $status"
headers="$(api -D - -o "$work/resume.docx" "$edge/api/resume-async/download/$job_id")"
[[ "$headers" == *'filename="Ada_Lovelace_Resume.docx"'* ]] || fail "download headers: $headers"
python3 - "$work/resume.docx" <<'PY' || fail "the download is not a DOCX naming the candidate"
import sys, zipfile
assert "Ada Lovelace" in zipfile.ZipFile(sys.argv[1]).read("word/document.xml").decode()
PY

tests/schemathesis/run.sh "$edge" "$token" || fail "the API does not conform to its document"

kill -TERM "$system"
code=0
wait "$system" || code=$?
[[ "$code" == 0 ]] || fail "run-local.sh exited $code on SIGTERM"
stopped "SIGTERM to run-local.sh"
echo "run-local-test: make run served a resume end to end and stopped cleanly"

# Every way of stopping `make run` stops all it started, the Redis it starts when none
# answers too (here on a port of its own). Each way on a `make run` of its own, in a session
# of its own, with the build steps marked done (-o): they ran before this test.
redis_port=$(free_port)
export REDIS_URL="redis://127.0.0.1:$redis_port"
ports+=("$redis_port")
# make_run [LAUNCHER...]: starts `make run`; its log is emptied first, not by the background
# start, so that running() cannot read the last run's.
make_run() {
  : > "$work/out.log"
  setsid "$@" make --no-print-directory -o build -o run-web run PROFILE="${PROFILE:-dev}" >> "$work/out.log" 2>&1 &
}
script() { pgrep -o -s "$system" -f 'deploy/run-local\.sh'; }
for how in "Ctrl-C" "SIGTERM to make" "SIGHUP" "timeout" "SIGKILL to make" "SIGKILL to run-local.sh"; do
  if [[ "$how" == timeout ]]; then make_run timeout 3600; else make_run; fi
  system=$!
  running
  answers "127.0.0.1:$redis_port" || fail "$how: make run did not start its own Redis"
  case "$how" in
    # A terminal's Ctrl-C and hang-up go to its whole foreground process group.
    "Ctrl-C") kill -INT -- "-$system" ;;
    "SIGTERM to make") kill -TERM "$system" ;;
    "SIGHUP") kill -HUP -- "-$system" ;;
    # SIGALRM is timeout's own timer: it acts as when the time is up.
    "timeout") kill -ALRM "$system" ;;
    "SIGKILL to make") kill -KILL "$system" ;;
    "SIGKILL to run-local.sh") kill -KILL "$(script)" ;;
  esac
  stopped "make run stopped by $how"
done
echo "run-local-test: make run stopped everything on Ctrl-C, SIGTERM, SIGHUP, timeout and SIGKILL"
