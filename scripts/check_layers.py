"""The import contract of the server's layers, checked by walking every import.

Layers, highest first; a module belongs to the layer of the longest prefix that names it:

    entry    cli, app, startup, config, keyfile, announce, observability (the only module
             importing the OpenTelemetry SDK), workers and worker_metrics (the supervisor
             of ``serve --workers``), __main__: the composition root, which reads the
             environment (config validates DSNs with libpq and keyrings with the
             domain's crypto, so it sits here, not below all) and wires the rest
    api      dataaccess_server.api: servicers, conversion, status mapping (grpc)
    domain   dataaccess_server.domain: the rules of each resource, and the ports
             (Protocols) through which it reaches storage
    db       dataaccess_server.db, dataaccess_server.embedded: SQL, the cluster, the
             migrations, the embedded PostgreSQL (psycopg)
    model    dataaccess_server.domain.model: the domain's entities and result types,
             with no behaviour that does I/O; db maps rows to them, api maps them to
             messages
    kernel   errors, deadline, logs, telemetry (OpenTelemetry's API only) and the
             package itself: below all. No layer under
             entry reads settings: each is handed its own values (pool settings are
             db's PoolSettings, built by config)

Requests go api → domain → db. What each layer may import:

    entry    anything
    api      domain, model, kernel     (never db: that would skip the domain)
    domain   model, kernel             (storage only through its ports, so the domain
                                        imports without psycopg)
    db       model, kernel
    model    kernel
    kernel   kernel

and of the third-party packages that define a layer: only api imports grpc, protobuf and
the generated stubs; only db imports psycopg. Imports inside functions and under
``TYPE_CHECKING`` count like any other.

Run: ``python scripts/check_layers.py [SOURCE_ROOT]`` (default ``server``); exit status 1
and one line per forbidden import when the contract is broken.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "dataaccess_server"

# Longest prefix wins.
LAYER_OF_PREFIX: dict[str, str] = {
    f"{PACKAGE}": "kernel",
    f"{PACKAGE}.__main__": "entry",
    f"{PACKAGE}.cli": "entry",
    f"{PACKAGE}.app": "entry",
    f"{PACKAGE}.keyfile": "entry",
    f"{PACKAGE}.announce": "entry",
    f"{PACKAGE}.observability": "entry",
    f"{PACKAGE}.startup": "entry",
    f"{PACKAGE}.workers": "entry",
    f"{PACKAGE}.worker_metrics": "entry",
    f"{PACKAGE}.api": "api",
    f"{PACKAGE}.domain": "domain",
    f"{PACKAGE}.domain.model": "model",
    f"{PACKAGE}.db": "db",
    f"{PACKAGE}.embedded": "db",
    f"{PACKAGE}.config": "entry",
    f"{PACKAGE}.errors": "kernel",
    f"{PACKAGE}.deadline": "kernel",
    f"{PACKAGE}.logs": "kernel",
    f"{PACKAGE}.telemetry": "kernel",
}
ORDER = ("entry", "api", "domain", "db", "model", "kernel")
MAY_IMPORT: dict[str, frozenset[str]] = {
    "entry": frozenset(ORDER),
    "api": frozenset({"api", "domain", "model", "kernel"}),
    "domain": frozenset({"domain", "model", "kernel"}),
    "db": frozenset({"db", "model", "kernel"}),
    "model": frozenset({"model", "kernel"}),
    "kernel": frozenset({"kernel"}),
}
WHY = {
    ("api", "db"): "api must reach storage through the domain, not skip it",
    ("domain", "db"): "the domain reaches storage through its ports (and must import "
    "without psycopg)",
}
# Third-party top-level packages that belong to one layer, and the layers allowed them.
EXTERNAL: dict[str, frozenset[str]] = {
    "grpc": frozenset({"api"}),
    "grpc_health": frozenset({"api"}),
    "grpc_reflection": frozenset({"api"}),
    "grpc_status": frozenset({"api"}),
    "google": frozenset({"api"}),  # protobuf and google.rpc
    "dataaccess": frozenset({"api"}),  # the generated stubs
    "psycopg": frozenset({"db"}),
    "psycopg_pool": frozenset({"db"}),
}


@dataclass(frozen=True, slots=True)
class Violation:
    """One import the contract forbids."""

    path: Path
    line: int
    importer: str
    imported: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.importer} imports {self.imported}: {self.reason}"


def layer_of(module: str) -> str | None:
    """The layer of a first-party module, None for any other module."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    best = max((p for p in LAYER_OF_PREFIX if module == p or module.startswith(p + ".")), key=len)
    return LAYER_OF_PREFIX[best]


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from pkg import mod`` imports pkg.mod when mod is a module, else pkg.
            for alias in node.names:
                yield node.lineno, f"{target}.{alias.name}"


def check(root: Path) -> list[Violation]:
    """Every forbidden import in the package under ``root`` (a directory holding it)."""
    violations = []
    for path in sorted((root / PACKAGE).rglob("*.py")):
        module = _module_name(root, path)
        source_layer = layer_of(module)
        assert source_layer is not None
        tree = ast.parse(path.read_text(), str(path))
        seen: set[tuple[int, str]] = set()
        for line, target in _imports(tree, module, path.name == "__init__.py"):
            top = target.split(".")[0]
            target_layer = layer_of(target)
            if target_layer is not None:
                # ``from pkg import name``: pkg.name when it is a module, else pkg.
                if not _is_module(root, target):
                    target = target.rpartition(".")[0]
                    target_layer = layer_of(target)
                    assert target_layer is not None
                if target_layer in MAY_IMPORT[source_layer]:
                    continue
                reason = WHY.get(
                    (source_layer, target_layer),
                    f"{source_layer} may import only {', '.join(_ordered(source_layer))}",
                )
            elif top in EXTERNAL and source_layer not in EXTERNAL[top]:
                reason = f"only {', '.join(sorted(EXTERNAL[top]))} may import {top}"
            else:
                continue
            if (line, target) not in seen:
                seen.add((line, target))
                violations.append(Violation(path, line, module, target, reason))
    return violations


def _ordered(layer: str) -> list[str]:
    return [name for name in ORDER if name in MAY_IMPORT[layer]]


def _is_module(root: Path, module: str) -> bool:
    base = root.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path("server")
    violations = check(root)
    for violation in violations:
        print(violation)
    if violations:
        print(f"{len(violations)} import(s) break the layer contract (scripts/check_layers.py)")
        return 1
    print(f"layers: every import of {root / PACKAGE} keeps the contract")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
