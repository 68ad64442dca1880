# Sourced by the project's scripts (run-local, its test, the bench, CI): TCP addresses.

# answers HOST:PORT: whether something accepts a connection there.
answers() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }

# wait_for_port HOST:PORT [TENTHS]: waits up to TENTHS tenths of a second (300) for it to
# answer, else says so and exits 1.
wait_for_port() {
  for _ in $(seq "${2:-300}"); do answers "$1" && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2
  exit 1
}
