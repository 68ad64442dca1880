#!/usr/bin/env bash
# Runs the whole system in the foreground on the embedded default: SQLite under .data/,
# the Redis at REDIS_URL (started here when none answers on this machine), one server,
# two workers and the edge serving the web app (WEB_DIR). Prints the app's sign-in link, the
# URLs, a demo token and examples; Ctrl-C stops all.
# DATA_DIR (.data) holds the database, the dev secret and the demo token; the second
# worker's metrics port is the first's (WORKER_METRICS_ADDR) plus one.
set -euo pipefail

# However `make run` ends, everything it started ends with it. Ctrl-C, SIGTERM and SIGHUP (a
# closed terminal) run stop() below. What no trap sees, SIGKILL above all, the kernel's
# parent-death signal covers (set by setpriv, util-linux): this script gets SIGTERM when its
# parent (make) dies, and each process it starts gets SIGTERM when this script dies.
if [[ -z "${RUN_LOCAL_PARENT:-}" ]] && command -v setpriv >/dev/null; then
  RUN_LOCAL_PARENT=$PPID exec setpriv --pdeathsig TERM -- "$0" "$@"
fi
# A parent that died before the signal was asked for is not waited for.
[[ -z "${RUN_LOCAL_PARENT:-}" || "$PPID" == "$RUN_LOCAL_PARENT" ]] || exit 1
with_parent=()
if command -v setpriv >/dev/null; then
  with_parent=(setpriv --pdeathsig TERM --)
else
  echo "setpriv (util-linux) is not installed: were this script killed by SIGKILL, its processes would run on" >&2
fi
cd "$(dirname "$0")/.."

profile_dir() { case "${PROFILE:-dev}" in dev) echo debug ;; *) echo "${PROFILE}" ;; esac; }
BIN="target/$(profile_dir)"

DATA_DIR="${DATA_DIR:-.data}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export DATABASE_URL="${DATABASE_URL:-sqlite://${DATA_DIR}/resume.db?mode=rwc}"
export SERVER_ADDR="${SERVER_ADDR:-127.0.0.1:50051}"
export EDGE_ADDR="${EDGE_ADDR:-127.0.0.1:8080}"
export SERVER_URL="${SERVER_URL:-http://${SERVER_ADDR}}"
export CORS_ALLOWED_ORIGINS="${CORS_ALLOWED_ORIGINS:-http://localhost:5173,http://127.0.0.1:5173}"
export RUST_LOG="${RUST_LOG:-info}"
export SERVER_METRICS_ADDR="${SERVER_METRICS_ADDR:-127.0.0.1:9101}"
metrics_addr="${WORKER_METRICS_ADDR:-127.0.0.1:9102}"
metrics_host="${metrics_addr%:*}" metrics_port="${metrics_addr##*:}"
mkdir -p "$DATA_DIR"

# A development secret, kept so that tokens stay valid across runs.
if [[ -z "${JWT_SECRET:-}" ]]; then
  [[ -s "$DATA_DIR/jwt_secret" ]] || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$DATA_DIR/jwt_secret"
  JWT_SECRET="$(cat "$DATA_DIR/jwt_secret")"
fi
export JWT_SECRET

pids=()
stop() {
  trap - INT TERM HUP EXIT
  echo
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  # This script's end of the pipe that keeps Redis (below), which stops after the rest.
  if [[ -n "${alive:-}" ]]; then exec {alive}>&-; fi
  wait 2>/dev/null || true
  echo "stopped."
  exit 0
}
trap stop INT TERM HUP EXIT

# start COMMAND...: runs it in the background, sent SIGTERM should this script die, and deaf
# to SIGHUP: stop() turns a hang-up into the same orderly SIGTERM as the other ways.
start() { (trap '' HUP; exec "${with_parent[@]}" "$@") & pids+=($!); }

# host and port of REDIS_URL (redis://[user:pass@]host:port[/db])
redis_hostport="${REDIS_URL#*://}"; redis_hostport="${redis_hostport##*@}"; redis_hostport="${redis_hostport%%/*}"
redis_host="${redis_hostport%%:*}"; redis_port="${redis_hostport##*:}"
[[ "$redis_port" == "$redis_hostport" ]] && redis_port=6379
source deploy/ports.sh
if ! answers "$redis_host:$redis_port"; then
  if [[ "$redis_host" != "127.0.0.1" && "$redis_host" != "localhost" ]]; then
    echo "Redis at ${REDIS_URL} does not answer" >&2; exit 1
  fi
  command -v redis-server >/dev/null || { echo "no Redis answers and redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
  echo "starting redis-server on port ${redis_port}"
  # Redis stops last: the others need it to stop (a worker hands back what it holds). Its
  # keeper, in a session of its own (a terminal's Ctrl-C and hang-up do not reach it), stops
  # it once every holder of the pipe `alive` has ended: this script and every process it
  # starts from here on, which inherit it, however each of them ends.
  exec {alive}> >(exec setsid bash -c 'redis-server "$@" & redis=$!; cat > /dev/null; kill -TERM "$redis"; wait "$redis"' \
    redis-keeper --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --logfile "$DATA_DIR/redis.log")
  wait_for_port "$redis_host:$redis_port" 50
fi

start "$BIN/server"
wait_for_port "$SERVER_ADDR"
start env WORKER_ID="local-1" WORKER_METRICS_ADDR="$metrics_host:$metrics_port" "$BIN/worker"
start env WORKER_ID="local-2" WORKER_METRICS_ADDR="$metrics_host:$((metrics_port + 1))" "$BIN/worker"
start "$BIN/edge"
wait_for_port "$EDGE_ADDR"

# A demo user token (HS256, 30 days), signed with openssl.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
header=$(printf '{"alg":"HS256","typ":"JWT"}' | b64url)
payload=$(printf '{"sub":"demo","exp":%d,"roles":["admin"]}' "$(( $(date +%s) + 30*24*3600 ))" | b64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -hmac "$JWT_SECRET" -binary | b64url)
TOKEN="${header}.${payload}.${signature}"
echo "$TOKEN" > "$DATA_DIR/demo_token"

web_dir="${WEB_DIR:-web/dist}"
if [[ -f "$web_dir/index.html" ]]; then
  app="Open the app (signs in the demo user):
    http://${EDGE_ADDR}/#token=${TOKEN}"
else
  app="The web app is not built ($web_dir/index.html is missing): install Node.js 20.19+ and npm,
  then make run builds it. The API works without it."
fi

cat <<MSG

  The resume service is running.

  ${app}

    REST edge     http://${EDGE_ADDR}/api        (health: http://${EDGE_ADDR}/api/readyz)
    gRPC server   ${SERVER_ADDR}                 (reflection, health, gRPC-Web)
    metrics       http://${EDGE_ADDR}/metrics (edge), http://${SERVER_METRICS_ADDR}/metrics (server),
                  http://$metrics_host:$metrics_port/metrics, http://$metrics_host:$((metrics_port + 1))/metrics (workers)
    database      ${DATABASE_URL}
    redis         ${REDIS_URL}

  Demo token (user "demo", admin; also in ${DATA_DIR}/demo_token):
    export TOKEN=${TOKEN}

  Try:
    curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
      -d '{"full_name":"Ada Lovelace","email":"ada@example.com","skills":["Rust"]}' \\
      http://${EDGE_ADDR}/api/candidates
    grpcurl -plaintext ${SERVER_ADDR} list
    grpcurl -plaintext -H "authorization: Bearer \$TOKEN" ${SERVER_ADDR} resume.v1.ResumeService/ListMyJobs

  Ctrl-C stops everything.
MSG

# Stop everything as soon as one process exits.
wait -n "${pids[@]}" || true
echo "a process exited; stopping the rest" >&2
