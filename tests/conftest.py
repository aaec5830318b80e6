"""Fixtures shared by all tests.

Sections:
    PostgreSQL  a session primary with a template database, a fresh database per test,
                and factories for dedicated instances and streaming replicas.
    Server      the real service on port 0 against the test's database, a channel to
                it, and a stub per service over that channel.
"""

from __future__ import annotations

# Before anything imports grpc: see dataaccess_server/__init__.py.
import dataaccess_server  # noqa: F401  # isort: skip

import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from grpc import aio

from dataaccess_server.app import Application
from dataaccess_server.config.rollup_fold import RollupFoldSettings
from dataaccess_server.embedded import PostgresInstance
from tests.harness import leaks, stubs
from tests.harness.postgres import (
    TEMPLATE_DATABASE,
    InstanceFactory,
    create_template,
    discard_instance,
    fresh_database,
    pg_major_under_test,
    start_instance,
)
from tests.harness.server import (
    Serve,
    clean_environment,
    health_status,
    server_settings,
)
from tests.harness.waiting import wait_until_sync

if TYPE_CHECKING:  # the asyncio flavours of the stubs exist for type checkers only
    from dataaccess.v1.analytics_pb2_grpc import AnalyticsServiceAsyncStub
    from dataaccess.v1.api_keys_pb2_grpc import APIKeyServiceAsyncStub
    from dataaccess.v1.cache_pb2_grpc import CacheServiceAsyncStub
    from dataaccess.v1.oauth_tokens_pb2_grpc import OAuthTokenServiceAsyncStub
    from dataaccess.v1.request_logs_pb2_grpc import RequestLogServiceAsyncStub
    from dataaccess.v1.usage_pb2_grpc import UsageServiceAsyncStub

pytest_plugins = ["pytester"]  # test_secret_leaks.py runs the leak check in a run of its own

# --- Secrets in logs ------------------------------------------------------------------
# Everything logged during the run is searched for the registered secrets: the service's
# own loggers at DEBUG, libraries at their default levels (DEBUG for all of them would
# switch on gRPC's core tracing from its own threads, which crashed the interpreter).
# Each test's own logs are searched when it ends, and what was logged outside any test
# when the run ends; either way a leak fails the run (tests/test_secret_leaks.py proves
# it does).

LEAKS_OUTSIDE_TESTS = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session", autouse=True)
def collect_logs() -> Iterator[None]:
    """Every log record of the run goes to the leak check (see tests/harness/leaks.py)."""
    root, ours = logging.getLogger(), logging.getLogger("dataaccess_server")
    collector = leaks.Collector()
    level = ours.level
    root.addHandler(collector)
    ours.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(collector)
        ours.setLevel(level)


@pytest.fixture(autouse=True)
def no_secret_in_logs(collect_logs: None) -> Iterator[None]:
    """Error at teardown if a registered secret appears in what the test logged.

    Autouse, so set up before the test's other function fixtures and torn down after
    them: their teardown (servers stopping, processes killed) is searched too.
    """
    with leaks.watching() as evidence:
        yield
    found = leaks.find_leaks(evidence)
    assert not found, "secrets in this test's logs: " + "; ".join(found)


# Modules whose subject does not change with PostgreSQL's major version: pure checks
# (configuration, request bounds, times, WAL positions, the access policy), the proto
# toolchain, the layers contract, the manifests, the test harness itself, and the
# callers' side (the Go, Node and Python clients, the README's grpcurl commands), whose
# server is checked on both majors by the rest of the suite. `make pytest-pg16` leaves
# them out (-m "not version_independent"): the first run, on 18, runs them.
VERSION_INDEPENDENT = frozenset(
    {
        "test_access_policy",
        "test_client_go",
        "test_client_node",
        "test_client_python",
        "test_client_python_install",
        "test_clock_at_import",
        "test_config",
        "test_layers",
        "test_manifests",
        "test_proto_check",
        "test_readme_grpcurl",
        "test_request_log_checks",
        "test_secret_leaks",
        "test_telemetry_harness",
        "test_times",
        "test_wal_history",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of VERSION_INDEPENDENT's modules ``version_independent``."""
    here = Path(__file__).parent
    missing = sorted(name for name in VERSION_INDEPENDENT if not (here / f"{name}.py").exists())
    assert not missing, f"VERSION_INDEPENDENT names no module {missing}"
    for item in items:
        if item.path.stem in VERSION_INDEPENDENT:
            item.add_marker(pytest.mark.version_independent)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if a secret appears in what was logged outside the tests."""
    found = leaks.find_leaks(leaks.outside_tests())
    session.config.stash[LEAKS_OUTSIDE_TESTS] = found
    if found and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Name the secrets found by :func:`pytest_sessionfinish`."""
    found = terminalreporter.config.stash.get(LEAKS_OUTSIDE_TESTS, [])
    if found:
        terminalreporter.section("secrets in logs outside the tests", red=True)
        for line in found:
            terminalreporter.write_line(line)


def _dump_tasks(_signum: int, _frame: object) -> None:
    # `kill -USR1 <pytest pid>` prints every asyncio task's stack: thread dumps do not
    # show which coroutine a hung test waits in.
    try:
        tasks = asyncio.all_tasks()
    except RuntimeError:
        print("no running event loop", file=sys.stderr)
        return
    for task in tasks:
        task.print_stack(file=sys.stderr)


signal.signal(signal.SIGUSR1, _dump_tasks)


# --- PostgreSQL ------------------------------------------------------------------------
# Major version from $DATAACCESS_TEST_PG_MAJOR (18 by default; 16 is supported too).


@pytest.fixture(scope="session")
def pg_major() -> int:
    """The PostgreSQL major version every instance of this session runs."""
    return pg_major_under_test()


@pytest.fixture(scope="session")
def pg_primary(pg_major: int) -> Iterator[PostgresInstance]:
    """The session's running, non-durable primary; discarded at the end of the session.

    Shared by all tests: do not stop it (use ``pg_instance_factory`` for that).
    """
    instance = start_instance(major=pg_major)
    try:
        yield instance
    finally:
        discard_instance(instance)


@pytest.fixture(scope="session")
def pg_template(pg_primary: PostgresInstance) -> str:
    """Name of the template database, created and prepared once per session."""
    create_template(pg_primary)
    return TEMPLATE_DATABASE


@pytest.fixture
def now() -> datetime:
    """The UTC time (whole seconds) when the test starts, one value for the test and all
    its fixtures: logs made from it are the same logs when a test sends them twice.

    Asked per test, never at import: a suite that runs past midnight would otherwise test
    yesterday's dates against a server whose today has moved on (its retention window,
    its partitions, its usage day)."""
    return datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def today(now: datetime) -> date:
    """``now``'s UTC date."""
    return now.date()


@pytest.fixture
def pg_database(pg_primary: PostgresInstance, pg_template: str) -> Iterator[str]:
    """DSN of a fresh copy of the template on ``pg_primary``, dropped after the test."""
    with fresh_database(pg_primary) as dsn:
        yield dsn


@pytest.fixture
def pg_instance_factory(pg_major: int) -> Iterator[InstanceFactory]:
    """Call it for a dedicated started instance (own directory and port).

    ``pg_instance_factory(settings=..., start=False)`` gives an initialised, stopped one.
    All are stopped and deleted after the test.
    """
    factory = InstanceFactory(pg_major)
    try:
        yield factory
    finally:
        factory.close()


@pytest.fixture
def pg_replica_factory(pg_major: int) -> Iterator[Callable[[PostgresInstance], PostgresInstance]]:
    """Call it with a running primary for a started streaming hot standby of it.

    All replicas are stopped and deleted after the test.
    """
    factory = InstanceFactory(pg_major)
    try:
        yield factory.replica
    finally:
        factory.close()


# --- Server ----------------------------------------------------------------------------


@pytest.fixture
async def server(pg_database: str) -> AsyncIterator[Application]:
    """The real service, started in this test's event loop on 127.0.0.1:<free port>.

    Blocking calls in a test would block it too: use asyncio.to_thread for those.
    """
    app = Application(server_settings(pg_database))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
def server_target(server: Application) -> str:
    """``host:port`` of the ``server`` fixture."""
    return f"127.0.0.1:{server.port}"


@pytest.fixture
async def channel(server_target: str) -> AsyncIterator[aio.Channel]:
    """An asyncio channel to the ``server`` fixture."""
    async with aio.insecure_channel(server_target) as chan:
        yield chan


@pytest.fixture
async def unfolding(pg_database: str) -> AsyncIterator[Application]:
    """A server whose rollup fold never runs by itself: every batch's deltas stay
    unfolded until the test folds them (``app.rollup_fold.fold_all()``)."""
    app = Application(server_settings(pg_database, rollup_fold=RollupFoldSettings(interval=3600.0)))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
async def auth_app(pg_database: str) -> AsyncIterator[Application]:
    """The service with DATAACCESS_AUTH=on (bearer credentials; no TLS)."""
    app = Application(server_settings(pg_database, auth="on"))
    await app.start()
    try:
        yield app
    finally:
        await app.stop()


@pytest.fixture
async def auth_channel(auth_app: Application) -> AsyncIterator[aio.Channel]:
    """An asyncio channel to the ``auth_app`` fixture (callers send bearer metadata)."""
    async with aio.insecure_channel(f"127.0.0.1:{auth_app.port}") as chan:
        yield chan


@pytest.fixture
async def two_apps(pg_database: str) -> AsyncIterator[tuple[Application, Application]]:
    """Two in-process servers on the test's database, as two processes of a deployment
    would be (same event loop: each has its own pools, listener and watchers)."""
    apps = [Application(server_settings(pg_database)) for _ in range(2)]
    try:
        for app in apps:
            await app.start()
        yield apps[0], apps[1]
    finally:
        for app in apps:
            await app.stop()


# One stub fixture per service, over ``channel``. A test that opens channels of its own
# (to a second server, to one it restarts) builds stubs with tests.harness.stubs.


@pytest.fixture
def api_keys_stub(channel: aio.Channel) -> APIKeyServiceAsyncStub:
    """An APIKeyService stub on ``channel``."""
    return stubs.api_keys(channel)


@pytest.fixture
def oauth_tokens_stub(channel: aio.Channel) -> OAuthTokenServiceAsyncStub:
    """An OAuthTokenService stub on ``channel``."""
    return stubs.oauth_tokens(channel)


@pytest.fixture
def usage_stub(channel: aio.Channel) -> UsageServiceAsyncStub:
    """A UsageService stub on ``channel``."""
    return stubs.usage(channel)


@pytest.fixture
def request_logs_stub(channel: aio.Channel) -> RequestLogServiceAsyncStub:
    """A RequestLogService stub on ``channel``."""
    return stubs.request_logs(channel)


@pytest.fixture
def analytics_stub(channel: aio.Channel) -> AnalyticsServiceAsyncStub:
    """An AnalyticsService stub on ``channel``."""
    return stubs.analytics(channel)


@pytest.fixture
def cache_stub(channel: aio.Channel) -> CacheServiceAsyncStub:
    """A CacheService stub on ``channel``."""
    return stubs.cache(channel)


@pytest.fixture
def two_servers(pg_database: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two ``dataaccess serve`` processes on the test's database: their targets."""
    env = clean_environment(
        DATABASE_URL=pg_database, DATAACCESS_LISTEN="127.0.0.1:0", DATAACCESS_LOG_LEVEL="DEBUG"
    )
    servers = [Serve(env, tmp_path / f"server-{n}.log") for n in range(2)]
    try:
        targets = [server.target() for server in servers]
        for target in targets:

            def serving(target: str = target) -> bool:
                return health_status(target) == "SERVING"

            wait_until_sync(serving, what=f"{target} SERVING", timeout=30)
        yield targets[0], targets[1]
        for server in servers:
            assert server.stop() == 0
    finally:
        for server in servers:
            server.kill()
