# The resume service: `make run` starts the whole system, `make test` runs every test.

CARGO ?= cargo
# `make run PROFILE=release` for an optimised build.
PROFILE ?= dev
BUF ?= $(shell command -v buf 2>/dev/null || echo .ci/.tools/node_modules/.bin/buf)

.PHONY: build run test lint bench fmt clean

build:
	$(CARGO) build --profile $(PROFILE) --bins

run: build
	PROFILE=$(PROFILE) ./deploy/run-local.sh

# The Rust tests, then `make run` itself, checked from the outside.
test:
	$(CARGO) test --workspace
	$(MAKE) build
	PROFILE=$(PROFILE) ./deploy/run-local-test.sh

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(BUF) lint

# BENCH_DB=sqlite|postgres, BENCH_RUNS (3), BENCH_SECONDS per closed-loop scenario (5).
bench:
	./bench/run.sh

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -rf .data
