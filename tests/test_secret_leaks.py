"""The leak check can fail: a secret planted in a log record, a process's output or a log
file is reported, and a leak fails the run, inside a test or outside any.

Each test's logs are searched when it ends, by the ``no_secret_in_logs`` fixture in
conftest.py, and the rest of the run's when it ends: no test here needs to run last.
The secrets planted below are not registered: only the check under test looks for them.
"""

from __future__ import annotations

import logging
import secrets
import textwrap
from pathlib import Path

import pytest

from tests.harness import leaks

REPO = Path(__file__).resolve().parents[1]


def planted_secret() -> str:
    return "planted-" + secrets.token_hex(16)


def reported(secret: str, form: str) -> str:
    return f"{secret[:6]}... appears as {form[:12]}..."


def test_a_secret_in_a_log_record_is_reported_in_each_of_its_encodings() -> None:
    secret = planted_secret()
    log = logging.getLogger("dataaccess_server.tests.planted")
    for form in leaks.encodings(secret):
        with leaks.watching() as evidence:
            log.debug("credential %s", form)
        # (base64 and its urlsafe variant coincide unless the secret encodes to + or /)
        same = [other for other in leaks.encodings(secret) if other == form]
        assert leaks.find_leaks(evidence, [secret]) == [reported(secret, f) for f in same]


def test_a_secret_in_a_logged_traceback_is_reported() -> None:
    secret = planted_secret()
    with leaks.watching() as evidence:
        try:
            raise ValueError(f"bad token {secret}")
        except ValueError:
            # A library's logger at WARNING and above, with the traceback.
            logging.getLogger("psycopg.tests.planted").exception("request failed")
    assert leaks.find_leaks(evidence, [secret]) == [reported(secret, secret)]


def test_a_secret_in_a_process_output_or_log_file_is_reported(tmp_path: Path) -> None:
    in_output, in_file = planted_secret(), planted_secret()
    log_file = tmp_path / "serve.log"
    with leaks.watching() as evidence:
        leaks.register_output(f"stdout: {in_output}\n")
        leaks.register_log_file(log_file)
    log_file.write_text(f"written after registration: {in_file}\n")  # read at search time
    assert leaks.find_leaks(evidence, [in_output, in_file]) == sorted(
        [reported(in_output, in_output), reported(in_file, in_file)]
    )


def test_logs_without_the_secret_report_nothing() -> None:
    secret = planted_secret()
    with leaks.watching() as evidence:
        logging.getLogger("dataaccess_server.tests.planted").info("credential %s", "elided")
    assert evidence.texts, "the record was not collected: the check would prove nothing"
    assert leaks.find_leaks(evidence, [secret]) == []


def test_what_a_nested_watch_collects_is_searched_by_the_enclosing_one_too() -> None:
    secret = planted_secret()
    with leaks.watching() as outer, leaks.watching():
        logging.getLogger("dataaccess_server.tests.planted").debug("credential %s", secret)
    assert leaks.find_leaks(outer, [secret]) == [reported(secret, secret)]


# --- the whole check, in a run of its own -----------------------------------------------

WIRING = """
from tests.conftest import (
    collect_logs,
    no_secret_in_logs,
    pytest_sessionfinish,
    pytest_terminal_summary,
)
"""


def run_with_the_leak_check(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, tests: str
) -> pytest.RunResult:
    """Run ``tests`` in a pytest process wired as this suite is."""
    pytester.makeconftest(WIRING)
    pytester.makepyfile(test_planted=textwrap.dedent(tests))
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    return pytester.runpytest_subprocess("-p", "no:cacheprovider")


def test_a_test_that_logs_a_registered_secret_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_with_the_leak_check(
        pytester,
        monkeypatch,
        """
        import logging
        from tests.harness import leaks

        def test_clean():
            leaks.register_secret("clean-test-secret-000000")
            logging.getLogger("dataaccess_server.planted").debug("nothing to see")

        def test_leaky():
            leaks.register_secret("leaky-test-secret-123456")
            logging.getLogger("dataaccess_server.planted").debug("leaky-test-secret-123456")
        """,
    )
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_leaky*", "*secrets in this test's logs: leaky-... appears*"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_a_secret_logged_outside_any_test_fails_the_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_with_the_leak_check(
        pytester,
        monkeypatch,
        """
        import logging
        import pytest
        from tests.harness import leaks

        leaks.register_secret("session-secret-abcdef")

        @pytest.fixture(scope="session")
        def session_resource():
            yield
            logging.getLogger("dataaccess_server.planted").warning("session-secret-abcdef")

        def test_passes(session_resource):
            pass
        """,
    )
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        ["*secrets in logs outside the tests*", "sessio... appears as session-secr*"]
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED
