# syntax=docker/dockerfile:1
#
# dataaccess production image: the gRPC server on an external PostgreSQL.
#
#   docker build -t dataaccess:0.1.0 .
#   docker run --rm -p 50051:50051 -e DATABASE_URL=postgresql://... dataaccess:0.1.0
#
# Two stages: the builder turns the two local distributions (server and client) into
# wheels; the final stage installs those wheels plus their dependencies, as binary wheels
# only, so it needs no compiler and carries no source tree.

# Pinned by tag; pin by digest too (python:3.11-slim-bookworm@sha256:...) for bit-for-bit
# reproducible builds.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- builder: local sources -> wheels ----------------------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore

WORKDIR /src
# Only what the two builds read. hatchling reads README.md (root `readme =`), and the
# server wheel force-includes migrations/ as dataaccess_server/migrations.
COPY pyproject.toml README.md ./
COPY server/ server/
COPY migrations/ migrations/
COPY clients/python/ clients/python/

# --no-deps: build just our two wheels; dependencies come from PyPI in the final stage.
# (pip fetches hatchling into an isolated build environment by itself.)
RUN pip wheel --no-deps --wheel-dir /wheels . ./clients/python

# --- final: runtime only -----------------------------------------------------------------
FROM ${PYTHON_IMAGE}

ARG PYTHON_IMAGE
ARG VERSION=0.1.0
ARG REVISION=unknown
ARG SOURCE=unknown
LABEL org.opencontainers.image.title="dataaccess" \
      org.opencontainers.image.description="gRPC data-access service on PostgreSQL: OAuth tokens, API keys, usage, request logs, analytics" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="${PYTHON_IMAGE}"

# A fixed numeric UID/GID: Kubernetes `runAsNonRoot` can only verify a numeric USER, and
# the manifests in deploy/kubernetes run as the same 10001:10001.
RUN groupadd --gid 10001 dataaccess \
 && useradd --uid 10001 --gid 10001 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin dataaccess

# Both local wheels are named in one pip call: dataaccess-client is not on PyPI, so the
# server's `dataaccess-client==0.1.0` requirement must be satisfied by the wheel given
# here; everything else comes from PyPI. --only-binary=:all: makes a dependency without a
# wheel fail the build instead of needing a compiler. No `[embedded]` extra: production
# uses an external PostgreSQL. The wheels are bind-mounted, so they leave no layer behind.
RUN --mount=type=bind,from=builder,source=/wheels,target=/tmp/wheels \
    pip install --no-cache-dir --disable-pip-version-check --root-user-action=ignore \
      --only-binary=:all: /tmp/wheels/*.whl

# pip precompiled the .pyc files at install time (fast start); at run time nothing is
# written next to the code, which is on a read-only root filesystem in Kubernetes.
# DATAACCESS_WORKERS=auto: one server process per CPU the container may run on (its
# cpuset, e.g. `docker run --cpuset-cpus 0,1`); a CPU quota (`--cpus`, a Kubernetes
# limit) is no affinity, so set a number there (deploy/ sets 2).
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATAACCESS_LISTEN=0.0.0.0:50051 \
    DATAACCESS_WORKERS=auto

USER 10001:10001
# 8081: the plaintext health-only listener, when DATAACCESS_HEALTH_LISTEN=0.0.0.0:8081
# (deploy/ sets it, for probes, because 50051 speaks TLS there). 9464: the Prometheus
# scrape endpoint, when DATAACCESS_METRICS_LISTEN=0.0.0.0:9464 (deploy/ sets it too).
EXPOSE 50051 8081 9464

# The server handles SIGTERM itself (health NOT_SERVING, drain for
# DATAACCESS_SHUTDOWN_GRACE seconds, exit 0); with workers, the supervisor passes it on
# to each of them and exits 0 once all have drained. Exec-form ENTRYPOINT keeps it PID 1, so the
# signal reaches Python directly and not a shell.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dataaccess"]
CMD ["serve"]
