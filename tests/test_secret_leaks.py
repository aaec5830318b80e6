"""Runs last (see conftest.py): no secret stored by any test appears in the logs of the
whole run, in-process or from the server and CLI processes the tests started."""

from __future__ import annotations

from tests.harness import leaks


def test_no_secret_appears_in_any_log_of_the_run() -> None:
    assert leaks.SECRETS, "no secret was registered: the check would prove nothing"
    assert leaks.collected_size() > 0
    assert leaks.find_leaks() == []
