"""Every grpcurl command the README shows, run against a live server, so none can rot.

The convention read from README.md: inside a fenced code block, a line starting with
``$ grpcurl`` is a command. It goes on over the next lines while it ends with a
backslash or has an unclosed quote (a ``-d '{...}'`` may span lines), and a trailing
``# comment`` is no part of it. The lines after it, up to the next ``$`` line or the
end of the block, are its output as the README shows it: for ``list`` the service names,
else JSON that may elide parts with ``...``. A command with no lines after it shows no
output, and is only required to succeed.

Each command is rewritten for the test's servers, and only so:
- its address (``host:port``) becomes a live server's, and TLS flags (``-cacert``,
  ``-cert``, ``-key``, ``-authority``) become ``-plaintext``: the TLS listener has tests
  of its own (test_tls.py), and these commands are about the calls;
- a command that presents a credential goes to a server with DATAACCESS_AUTH=on; one
  without goes to a server with DATAACCESS_AUTH=none, as in the quickstart;
- the README's elided placeholders, ``dac_…`` (a bearer credential: the README's
  ``gateway``, of the role ``proxy``) and ``dak_…`` (an API key), become real ones; a
  client certificate becomes a bearer credential of the role its identity has in the
  README's policy file (``gateway.crt``: ``proxy``), or ``admin`` for a certificate that
  file does not list. Any other ``…`` in a command fails the test: it would be a
  placeholder this test does not know how to fill.

The data the commands read is the README's own ``$ dataaccess seed`` command's (run on
the test's database first), plus a key and a token the examples name. The README's dates
are shell variables, set by its one ``$ START=$(date ...) ...`` line relative to today:
the test has bash run that line when a test runs (never at import: a suite past midnight
would ask for yesterday's week) and puts the values in the seed's and the commands' words.

Health-only listeners (``DATAACCESS_HEALTH_LISTEN``) are the main port here: they serve
the same health state (test_tls.py covers the listener itself).
"""

from __future__ import annotations

import asyncio
import json
import re
import shlex
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from grpc import aio

from dataaccess.v1 import api_keys_pb2, oauth_tokens_pb2
from dataaccess_server.app import Application
from tests.harness import calls, stubs
from tests.harness.calls import bearer, credential
from tests.harness.server import clean_environment, run_cli, server_settings

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
ADDRESS = re.compile(r"^[\w.-]+:\d+$")
TLS_FLAGS = {"-cacert", "-cert", "-key", "-authority"}
FLAGS_WITH_VALUES = TLS_FLAGS | {"-d", "-H", "-rpc-header", "-reflect-header", "-max-time"}
BEARER_PLACEHOLDER = re.compile(r"dac_[^\s\"']*…")
API_KEY_PLACEHOLDER = re.compile(r"dak_[^\s\"']*…")
# The roles of the README's client certificates, after its policy file.
CERTIFICATE_ROLES = {"gateway.crt": "proxy"}
SHOWN_FIELD = re.compile(r'"(\w+)"\s*:')
SHOWN_ENUM = re.compile(r'"(\w+)"\s*:\s*"([A-Z][A-Z0-9_]+)"')
# For a seed of fixed days (test_seed.py): the servers keep logs of that long ago (the
# default retention would refuse them). The README's own week is recent: it needs none.
LONG_RETENTION_DAYS = 36_500
# The line that sets the dates: ``$ START=$(date ...) END=... TODAY=...``.
VARIABLES_LINE = re.compile(r"^\$ START=")
SET_VARIABLE = re.compile(r"(?:^|\s)([A-Z_]+)=")
USED_VARIABLE = re.compile(r"\$\{?([A-Z_]+)\}?")


@dataclass(frozen=True)
class ReadmeCommand:
    """One ``$ grpcurl`` command of the README and the output shown under it."""

    line: int
    argv: tuple[str, ...]
    output: str


def readme_grpcurl_commands(text: str) -> list[ReadmeCommand]:
    """The grpcurl commands of ``text``'s fenced code blocks (convention: module docstring)."""
    commands: list[ReadmeCommand] = []
    lines = text.splitlines()
    in_block = False
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("```"):
            in_block = not in_block
            index += 1
            continue
        if not (in_block and line.startswith("$ grpcurl")):
            index += 1
            continue
        start = index
        source = line[2:]
        argv = _split(source)
        while argv is None:
            index += 1
            source = source.removesuffix("\\") + "\n" + lines[index]
            argv = _split(source)
        index += 1
        output: list[str] = []
        while index < len(lines) and not lines[index].startswith(("$", "```")):
            output.append(lines[index])
            index += 1
        commands.append(ReadmeCommand(start + 1, tuple(argv), "\n".join(output).strip()))
    return commands


def _split(source: str) -> list[str] | None:
    """``source`` as shell words, or None while it goes on over the next line."""
    if source.rstrip().endswith("\\"):
        return None
    try:
        return shlex.split(source, comments=True)
    except ValueError:  # no closing quotation: the quoted text spans lines
        return None


def readme_seed_arguments(text: str) -> list[str]:
    """The arguments of the README's ``$ dataaccess seed`` command (there is one)."""
    found = [
        shlex.split(line[2:], comments=True)[1:]
        for line in text.splitlines()
        if line.startswith("$ dataaccess seed")
    ]
    assert len(found) == 1, f"README.md shows {len(found)} `dataaccess seed` commands, not 1"
    return found[0]


def readme_variables(text: str) -> dict[str, str]:
    """What the README's line of dates (``$ START=...``) sets, as bash sets it now."""
    lines = [line[2:] for line in text.splitlines() if VARIABLES_LINE.match(line)]
    assert len(lines) == 1, f"README.md sets START on {len(lines)} lines, not 1"
    names = SET_VARIABLE.findall(lines[0])
    script = lines[0] + "; printf '%s\\n' " + " ".join(f'"${name}"' for name in names)
    result = subprocess.run(
        ["bash", "-c", script], capture_output=True, text=True, timeout=10, check=True
    )
    values = result.stdout.splitlines()
    assert len(values) == len(names), (lines[0], result.stdout, result.stderr)
    assert all(values), (lines[0], result.stdout, result.stderr)
    return dict(zip(names, values, strict=True))


def expand(words: Iterable[str], variables: dict[str, str]) -> list[str]:
    """``words`` with each ``$NAME`` / ``${NAME}`` replaced by its value."""

    def value(match: re.Match[str]) -> str:
        assert match.group(1) in variables, f"README.md uses ${match.group(1)} unset"
        return variables[match.group(1)]

    return [USED_VARIABLE.sub(value, word) for word in words]


COMMANDS = readme_grpcurl_commands(README.read_text())
SEED_ARGUMENTS = readme_seed_arguments(README.read_text())


def readme_seed_argv() -> list[str]:
    """The README's `dataaccess seed` arguments, its variables set as of now."""
    return expand(SEED_ARGUMENTS, readme_variables(README.read_text()))


def run_readme_seed(dsn: str) -> subprocess.CompletedProcess[str]:
    """The README's `dataaccess seed` on ``dsn`` (its API keys are on stdout, on purpose),
    with the service's default retention: the README's week is within it."""
    env = clean_environment(DATABASE_URL=dsn, DB_MIGRATE_URL=dsn)
    return run_cli(*readme_seed_argv(), env=env, prints_secret=True)


def grpcurl() -> str:
    found = shutil.which("grpcurl") or shutil.which("grpcurl", path=str(REPO / ".tools"))
    assert found, "grpcurl is missing: `make test` installs it into .tools/"
    return found


def presents_credential(command: ReadmeCommand) -> bool:
    """Whether the README's command authenticates (bearer header or client certificate)."""
    words = command.argv
    headers = [words[i + 1] for i, word in enumerate(words[:-1]) if word == "-H"]
    return "-cert" in words or any(h.lower().startswith("authorization:") for h in headers)


def rewrite(command: ReadmeCommand, target: str, tokens: dict[str, str], api_key: str) -> list[str]:
    """The command as run here (the rewriting rules of the module docstring); ``tokens``
    holds a bearer credential per role."""
    argv = [grpcurl(), "-plaintext"]
    token = tokens["proxy"]
    words = iter(expand(command.argv[1:], readme_variables(README.read_text())))
    addressed = False
    for word in words:
        if word in TLS_FLAGS:
            value = next(words)
            if word == "-cert":
                role = CERTIFICATE_ROLES.get(value, "admin")
                argv += ["-H", f"authorization: Bearer {tokens[role]}"]
            continue
        if word == "-plaintext":
            continue
        if word in FLAGS_WITH_VALUES:
            value = next(words)
            value = BEARER_PLACEHOLDER.sub(token, API_KEY_PLACEHOLDER.sub(api_key, value))
            argv += [word, value]
            continue
        if not addressed and ADDRESS.match(word):
            argv.append(target)
            addressed = True
            continue
        argv.append(word)
    assert addressed, f"README.md:{command.line}: no host:port in the command"
    assert not any("…" in word for word in argv), (
        f"README.md:{command.line}: a placeholder this test cannot fill"
    )
    return argv


def json_pairs(value: object) -> Iterator[tuple[str, object]]:
    """Every (field, value) at any depth of a decoded JSON document."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from json_pairs(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_pairs(item)


@dataclass
class LiveServers:
    """An open server (DATAACCESS_AUTH=none) and one with authentication, on one database,
    with what the README's commands read seeded in it."""

    open_target: str
    auth_target: str
    tokens: dict[str, str]
    api_key: str


async def _seed(auth_target: str, proxy: str, admin: str) -> str:
    """Seed what the README's examples read beyond `dataaccess seed`; return a real API key."""
    async with aio.insecure_channel(auth_target) as channel:
        created = await stubs.api_keys(channel).CreateAPIKey(
            api_keys_pb2.CreateAPIKeyRequest(
                api_key=api_keys_pb2.APIKey(name="readme", owner_id="readme")
            ),
            metadata=bearer(admin),
            timeout=10,
        )
        await stubs.oauth_tokens(channel).UpsertOAuthToken(
            oauth_tokens_pb2.UpsertOAuthTokenRequest(
                token=oauth_tokens_pb2.OAuthToken(
                    provider="claude", user_id="u1", access_token="readme-access-token"
                )
            ),
            metadata=bearer(proxy),
            timeout=10,
        )
    return created.key


@pytest.fixture
async def live(pg_database: str) -> AsyncIterator[LiveServers]:
    seeded = await asyncio.to_thread(run_readme_seed, pg_database)
    assert seeded.returncode == 0, seeded.stderr
    settings = server_settings(pg_database)
    open_app = Application(replace(settings, auth="none"))
    auth_app = Application(replace(settings, auth="on"))
    try:
        open_target = f"127.0.0.1:{await open_app.start()}"
        auth_target = f"127.0.0.1:{await auth_app.start()}"
        proxy = await credential(auth_app, "proxy", "gateway")
        admin = await credential(auth_app, "admin")
        api_key = await _seed(auth_target, proxy, admin)
        yield LiveServers(open_target, auth_target, {"proxy": proxy, "admin": admin}, api_key)
    finally:
        await auth_app.stop()
        await open_app.stop()


async def run_grpcurl(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, argv, capture_output=True, text=True, timeout=30, check=False
    )


def test_the_readme_shows_grpcurl_commands_and_each_is_parsed() -> None:
    shown = sum(1 for line in README.read_text().splitlines() if line.startswith("$ grpcurl"))
    assert shown >= 5
    assert len(COMMANDS) == shown  # none missed by the parser
    assert any(command.output for command in COMMANDS)
    assert any(presents_credential(command) for command in COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=[f"README.md:{c.line}" for c in COMMANDS])
async def test_readme_grpcurl_command_succeeds_with_the_fields_shown(
    command: ReadmeCommand, live: LiveServers
) -> None:
    if "dataaccess.v1.ConfigService/" in command.argv[-1]:
        # Versions 1-3 of proxy/routing, 3 active after 2 (so a rollback has one).
        for n in (1, 2, 3):
            await calls.create_config(live.open_target, "proxy/routing", f"v: {n}", activate=n > 1)
    target = live.auth_target if presents_credential(command) else live.open_target
    # Only the exit code and the streams in messages: the command holds a credential.
    result = await run_grpcurl(rewrite(command, target, live.tokens, live.api_key))
    where, code = f"README.md:{command.line}", result.returncode
    assert code == 0, f"{where}: {result.stderr}"
    if not command.output:
        return
    if command.argv[-1] == "list":
        assert result.stdout.split() == command.output.split(), where
        return
    answer = json.loads(result.stdout)
    pairs = list(json_pairs(answer))
    fields = {field for field, _ in pairs}
    missing = set(SHOWN_FIELD.findall(command.output)) - fields
    assert not missing, f"{where}: the answer lacks {sorted(missing)}: {result.stdout}"
    for field, shown in SHOWN_ENUM.findall(command.output):
        assert (field, shown) in pairs, f"{where}: {field} is not {shown}: {result.stdout}"


async def test_grpcurl_lists_and_describes_the_api_keys_service(live: LiveServers) -> None:
    listed = await run_grpcurl([grpcurl(), "-plaintext", live.open_target, "list"])
    assert listed.returncode == 0, listed.stderr
    assert "dataaccess.v1.APIKeyService" in listed.stdout.split()
    described = await run_grpcurl(
        [grpcurl(), "-plaintext", live.open_target, "describe", "dataaccess.v1.APIKeyService"]
    )
    assert described.returncode == 0, described.stderr
    assert "dataaccess.v1.APIKeyService is a service:" in described.stdout
    service = api_keys_pb2.DESCRIPTOR.services_by_name["APIKeyService"]
    for method in service.methods:
        request, response = method.input_type.full_name, method.output_type.full_name
        # grpcurl marks each streaming side (StreamValidateAPIKeys streams both).
        inbound = "stream " if method.client_streaming else ""
        outbound = "stream " if method.server_streaming else ""
        line = f"rpc {method.name} ( {inbound}.{request} ) returns ( {outbound}.{response} );"
        assert line in described.stdout
