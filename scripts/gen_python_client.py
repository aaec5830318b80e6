"""Write the Python client's methods, one per RPC of proto/, to stdout.

    python scripts/gen_python_client.py DESCRIPTOR_SET SERVICE_CONFIG > .../_rpcs.py

DESCRIPTOR_SET is a ``FileDescriptorSet`` of proto/ built with ``--include_source_info``
(the proto comments become the docstrings) and ``--include_imports``; SERVICE_CONFIG is
``clients/service_config.json`` (each docstring says whether the call is retried).
``scripts/proto.sh generate`` runs this; ``proto.sh check`` runs it again and compares, so
a new RPC cannot go without its client method. The output is already in ``ruff format``
style (every call exploded, with a magic trailing comma) and passes ``mypy --strict``.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from google.protobuf import descriptor_pb2

PACKAGE = "dataaccess.v1"
INDENT = " " * 8
WIDTH = 100

# FileDescriptorProto field numbers, for source-code-info paths.
SERVICE_FIELD = 6
METHOD_FIELD = 2


@dataclass(frozen=True)
class Rpc:
    """One RPC as the generated methods need it."""

    service: str  # fully qualified
    name: str
    request: str  # "module.Message"
    response: str
    client_streaming: bool
    has_request_id: bool
    server_streaming: bool
    comment: str

    @property
    def path(self) -> str:
        return f"/{self.service}/{self.name}"

    @property
    def python_name(self) -> str:
        return snake_case(self.name)


def snake_case(name: str) -> str:
    """CreateAPIKey -> create_api_key, GetOAuthToken -> get_oauth_token."""
    name = name.replace("OAuth", "Oauth")  # one word, not "o_auth"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def load_rpcs(descriptor_set: descriptor_pb2.FileDescriptorSet) -> list[Rpc]:
    """Every RPC of every service in the package, in file then declaration order."""
    modules: dict[str, str] = {}  # ".pkg.Message" -> "module_pb2.Message"
    messages: dict[str, descriptor_pb2.DescriptorProto] = {}
    for file in descriptor_set.file:
        module = Path(file.name).stem + "_pb2"
        for message in file.message_type:
            full = f".{file.package}.{message.name}"
            modules[full] = f"{module}.{message.name}"
            messages[full] = message
    rpcs = []
    for file in sorted(descriptor_set.file, key=lambda f: f.name):
        if file.package != PACKAGE:
            continue
        comments = {tuple(loc.path): loc.leading_comments for loc in file.source_code_info.location}
        for s_index, service in enumerate(file.service):
            for m_index, method in enumerate(service.method):
                request = messages[method.input_type]
                rpcs.append(
                    Rpc(
                        service=f"{file.package}.{service.name}",
                        name=method.name,
                        request=modules[method.input_type],
                        response=modules[method.output_type],
                        client_streaming=method.client_streaming,
                        server_streaming=method.server_streaming,
                        has_request_id=any(
                            f.name == "request_id" and f.type == f.TYPE_STRING
                            for f in request.field
                        ),
                        comment=comments.get(
                            (SERVICE_FIELD, s_index, METHOD_FIELD, m_index), ""
                        ).strip(),
                    )
                )
    return rpcs


def retried_methods(service_config: dict[str, object]) -> set[tuple[str, str | None]]:
    """(service, method or None for the whole service) the config retries."""
    names: set[tuple[str, str | None]] = set()
    for config in service_config.get("methodConfig", []):  # type: ignore[attr-defined]
        if "retryPolicy" in config:
            names.update((n["service"], n.get("method")) for n in config["name"])
    return names


def retry_note(rpc: Rpc, retried: set[tuple[str, str | None]]) -> str:
    if rpc.server_streaming and rpc.client_streaming:
        return (
            "Answers come as they are ready, while requests are still sent; no default"
            " deadline; close the iterator to cancel. Not retried: after an error, send"
            " the requests left unanswered again."
        )
    if rpc.server_streaming:
        return (
            "A stream of answers with no default deadline; close the iterator to cancel."
            " Not retried: after an error, call again."
        )
    if (rpc.service, rpc.name) in retried or (rpc.service, None) in retried:
        return "Idempotent: retried on UNAVAILABLE by the recommended service config."
    if rpc.has_request_id:
        return "Retried on UNAVAILABLE only when request_id is set (it is applied once)."
    return "Not idempotent: never retried; an UNAVAILABLE may or may not have been applied."


def docstring(rpc: Rpc, note: str) -> list[str]:
    text = rpc.comment or f"Calls {rpc.name}."
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    paragraphs.append(f"Calls ``{rpc.service.rsplit('.', 1)[1]}.{rpc.name}``. {note}")
    lines: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            lines.append("")
        lines.extend(
            textwrap.wrap(paragraph.replace("\\", "\\\\").replace('"""', '\\"\\"\\"'), WIDTH - 11)
        )
    lines[0] = '"""' + lines[0]
    lines.append('"""')
    return [INDENT + line if line else "" for line in lines]


def method(rpc: Rpc, note: str, *, is_async: bool) -> list[str]:
    defn = "async def" if is_async else "def"
    call = "return await self." if is_async else "return self."
    returns = rpc.response
    extra: list[str] = []
    if rpc.server_streaming:
        # A stream of answers: a plain method returning an iterator, in both clients;
        # a bidirectional one takes an iterable of requests as well.
        defn, call = "def", "return self."
        returns = f"{'AsyncIterator' if is_async else 'Iterator'}[{rpc.response}]"
        param, arg, helper = f"request: {rpc.request}", "request", "_unary_stream"
        if rpc.client_streaming:
            iterable = "AnyIterable" if is_async else "Iterable"
            param = f"requests: {iterable}[{rpc.request}]"
            arg, helper = "requests", "_stream_stream"
    elif rpc.client_streaming:
        iterable = "AnyIterable" if is_async else "Iterable"
        param = f"requests: {iterable}[{rpc.request}]"
        arg, helper = "requests", "_stream_unary"
    else:
        param, arg, helper = f"request: {rpc.request}", "request", "_unary"
        if rpc.has_request_id:
            extra = ["request.request_id,"]
    return [
        f"    {defn} {rpc.python_name}(",
        "        self,",
        f"        {param},",
        "        *,",
        "        timeout: float | None = None,",
        "        metadata: Metadata = (),",
        f"    ) -> {returns}:",
        *docstring(rpc, note),
        f"        {call}{helper}(",
        *(
            f"            {a}"
            for a in (
                f'"{rpc.path}",',
                f"{arg},",
                f"{rpc.response},",
                "timeout,",
                "metadata,",
                *extra,
            )
        ),
        "        )",
    ]


def render(rpcs: list[Rpc], retried: set[tuple[str, str | None]]) -> str:
    modules = sorted(
        {rpc.request.split(".")[0] for rpc in rpcs} | {rpc.response.split(".")[0] for rpc in rpcs}
    )
    request_id = [
        rpc for rpc in rpcs if rpc.has_request_id and retry_note(rpc, retried).startswith("Retried")
    ]
    out = [
        '"""The clients\' methods, one per RPC of proto/: generated by',
        "scripts/gen_python_client.py (``make proto``), do not edit.",
        "",
        "Each takes the request message and ``timeout`` (seconds; default: the client's) and",
        "``metadata``, returns the response message, and raises a :mod:`dataaccess.errors`",
        'exception when the call fails. Retries: see :mod:`dataaccess._calls`."""',
        "",
        "from __future__ import annotations",
        "",
        "from collections.abc import AsyncIterator, Iterable, Iterator",
        "from typing import Final",
        "",
        "from dataaccess._calls import AnyIterable, AsyncCaller, Metadata, SyncCaller",
        "from dataaccess.v1 import (",
        *(f"    {m}," for m in modules),
        ")",
        "",
        "REQUEST_ID_METHODS: Final[tuple[tuple[str, str], ...]] = (",
        *(f'    ("{rpc.service}", "{rpc.name}"),' for rpc in request_id),
        ")",
        '"""(service, method) of the RPCs retried only when the request has a request_id."""',
        "",
        "RPC_METHODS: Final[tuple[tuple[str, str], ...]] = (",
        *(f'    ("{rpc.path}", "{rpc.python_name}"),' for rpc in rpcs),
        ")",
        '"""(RPC path, client method name) of every RPC."""',
    ]
    for is_async in (False, True):
        name, base = ("AsyncRPCs", "AsyncCaller") if is_async else ("SyncRPCs", "SyncCaller")
        flavour = "asyncio" if is_async else "blocking"
        out += [
            "",
            "",
            f"class {name}({base}):",
            f'    """One {flavour} method per RPC."""',
            "",
            "    _REQUEST_ID_METHODS = REQUEST_ID_METHODS",
        ]
        for rpc in rpcs:
            out += ["", *method(rpc, retry_note(rpc, retried), is_async=is_async)]
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(Path(argv[1]).read_bytes())
    retried = retried_methods(json.loads(Path(argv[2]).read_text()))
    sys.stdout.write(render(load_rpcs(descriptor_set), retried))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
