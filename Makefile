# The resume service: `make run` starts the whole system, `make test` runs every test.

CARGO ?= cargo
# `make run PROFILE=release` for an optimised build.
PROFILE ?= dev
BUF ?= $(shell command -v buf 2>/dev/null || echo .ci/.tools/node_modules/.bin/buf)

.PHONY: build web oidc-provider run run-web test test-web test-observability test-otel test-deploy lint api-types bench fmt clean

build:
	$(CARGO) build --profile $(PROFILE) --bins

# The web app (web/dist, which the edge serves), with its packages from the lock file.
web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
web: web/node_modules/.package-lock.json
	cd web && npm run build

# The test OpenID Connect provider (tests/oidc: panva's oidc-provider), which the Rust and
# browser tests start, with its packages from the lock file.
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund
oidc-provider: tests/oidc/node_modules/.package-lock.json

# `exec`: the script is make's own child, not a shell's, so that the SIGTERM make passes on
# reaches it and it sees make die (deploy/run-local.sh). Its test starts `make -o build -o
# run-web run`: the same, with the steps before marked done.
run: build run-web
	exec env PROFILE=$(PROFILE) ./deploy/run-local.sh

# The web app for `make run`, when npm is there.
run-web:
	@if command -v npm >/dev/null; then $(MAKE) web; else \
	  echo "npm is not installed: the API runs, the web app does not. Install Node.js 20.19+ and npm" \
	       "(Debian: apt-get install nodejs npm) and run make run again."; fi

BIN_DIR = $(CURDIR)/target/$(if $(filter dev,$(PROFILE)),debug,$(PROFILE))

# The Rust tests, the web app's unit and browser tests, the real processes' traces, logs
# and metrics, the deployment files, then `make run` itself, checked from the outside.
test: oidc-provider
	$(CARGO) test --workspace
	$(MAKE) build
	$(MAKE) test-web
	$(MAKE) test-observability
	$(MAKE) test-deploy
	$(MAKE) test-otel
	PROFILE=$(PROFILE) ./deploy/run-local-test.sh

# Traces, JSON logs and /metrics of the real processes; the alert rules (promtool) and the
# dashboard's queries against what the processes export.
test-observability:
	python3 tests/observability/run.py $(BIN_DIR)

# The same with the binaries built with `otel`: one job's spans reach an OTLP receiver from
# all three processes, in one trace. (It leaves the otel binaries in place of the default
# ones; the next `make build` builds the default ones again.)
test-otel:
	$(CARGO) build --profile $(PROFILE) --bins --features server/otel,worker/otel,edge/otel
	python3 tests/observability/run.py $(BIN_DIR) --otlp

# The Dockerfile (hadolint), compose file and Kubernetes manifests (their schemas, offline),
# and every container's environment against what its binary reads.
test-deploy:
	python3 tests/deploy/check.py $(BIN_DIR)

# Vitest, then Playwright in Debian's Chromium against the harness's web-system.
test-web: web oidc-provider
	cd web && npx vitest run
	cd web && WEB_SYSTEM_BIN=$(BIN_DIR)/web-system npx playwright test

# The web app's API types, generated from the edge's OpenAPI document.
api-types: web/node_modules/.package-lock.json
	$(CARGO) run -q -p edge --bin openapi > target/openapi.json
	cd web && npx openapi-typescript ../target/openapi.json -o src/api/schema.d.ts

lint: web/node_modules/.package-lock.json
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) clippy -p runtime --all-targets --features otel -- -D warnings
	$(BUF) lint
	$(CARGO) run -q -p edge --bin openapi > target/openapi.json
	cd web && npx openapi-typescript ../target/openapi.json -o ../target/schema.d.ts >/dev/null
	@diff -u web/src/api/schema.d.ts target/schema.d.ts || \
	  { echo "web/src/api/schema.d.ts is not the edge's current OpenAPI document: run make api-types" >&2; exit 1; }
	cd web && npx tsc --noEmit

# BENCH_DB=sqlite|postgres, BENCH_RUNS (3), BENCH_SECONDS per closed-loop scenario (5).
bench:
	./bench/run.sh

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf .data
