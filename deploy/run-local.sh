#!/usr/bin/env bash
# Runs the whole system in the foreground on the embedded default: SQLite under .data/,
# the Redis at REDIS_URL (started here when none answers on this machine), one server,
# two workers and the edge serving the web app (WEB_DIR). Prints the app's sign-in link, the
# URLs, a demo token and examples; Ctrl-C stops all.
# DATA_DIR (.data) holds the database, the dev secret and the demo token; the second
# worker's metrics port is the first's (WORKER_METRICS_ADDR) plus one.
set -euo pipefail
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
  trap - INT TERM EXIT
  echo
  echo "stopping..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "stopped."
  exit 0
}
trap stop INT TERM EXIT

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
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --logfile "$DATA_DIR/redis.log" &
  pids+=($!)
  wait_for_port "$redis_host:$redis_port" 50
fi


"$BIN/server" & pids+=($!)
wait_for_port "$SERVER_ADDR"
WORKER_ID="local-1" WORKER_METRICS_ADDR="$metrics_host:$metrics_port" "$BIN/worker" & pids+=($!)
WORKER_ID="local-2" WORKER_METRICS_ADDR="$metrics_host:$((metrics_port + 1))" "$BIN/worker" & pids+=($!)
"$BIN/edge" & pids+=($!)
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
