#!/usr/bin/env bash
# Tests a running edge against its own OpenAPI document with schemathesis (a tool nobody
# here wrote): every check on, a bounded number of examples per operation, once with a
# valid token (admin role, so the operators' routes answer too) and once without one.
# Usage: tests/schemathesis/run.sh EDGE_URL TOKEN. Fails on any finding.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
edge="$1" token="$2"
command -v schemathesis >/dev/null || { echo "schemathesis is not installed (pip install -r $here/requirements.txt)" >&2; exit 1; }
document="$edge/api/openapi.json"
# Run from a folder of its own: hypothesis keeps files in the working directory. Every text
# field's pattern excludes control characters (the server's rule), and generating data
# that breaks five such patterns at once (an opening's) trips hypothesis's "too slow" health
# check on some runs: a check of the generator's speed, not of the API, so it is off.
st() { (cd "$scratch" && schemathesis --no-color --config-file "$here/schemathesis.toml" run "$document" --checks all \
  --seed 7 --generation-database none --suppress-health-check too_slow "$@"); }
scratch="$(mktemp -d)" out="$(mktemp)"
trap 'rm -rf "$out" "$scratch"' EXIT
# One run; a crash of the tool itself (a Python traceback and no finding; seen once, not
# reproduced) is tried once more, a finding never.
check() {
  local what="$1"; shift
  for attempt in 1 2; do
    st "$@" > "$out" 2>&1 && { tail -n 3 "$out"; return 0; }
    grep -q "Traceback (most recent call last)" "$out" && ! grep -q "= FAILURES =" "$out" && [[ $attempt == 1 ]] \
      && { echo "schemathesis crashed ($what); trying once more" >&2; continue; }
    cat "$out" >&2; echo "schemathesis: findings $what" >&2; return 1
  done
}
check "with a token" -n "${SCHEMATHESIS_EXAMPLES:-25}" -H "Authorization: Bearer $token"
check "without a token" -n 5
