"""The layer contract holds, and the checker that states it can fail."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_layers", ROOT / "scripts/check_layers.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["check_layers"] = module
    spec.loader.exec_module(module)
    return module


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"__init__.py": "", **files}.items():
        path = tmp_path / "dataaccess_server" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            init = tmp_path / parent / "__init__.py"
            if parent != Path(".") and not init.exists():
                init.write_text("")
        path.write_text(textwrap.dedent(text))
    return tmp_path


def test_the_server_keeps_the_layer_contract() -> None:
    violations = _checker().check(SERVER)
    assert [str(v) for v in violations] == []


def test_upward_skipping_and_foreign_imports_are_reported(tmp_path: Path) -> None:
    root = _package(
        tmp_path,
        {
            "errors.py": "",
            "db/store.py": "from dataaccess_server.domain import rules\n",  # upward
            "domain/rules.py": "def f():\n    from dataaccess_server.db import store\n",
            "domain/model/things.py": "from dataaccess_server.db.store import X\n",
            "api/servicer.py": "from dataaccess_server.db import store\nimport grpc\n",
            "domain/pure.py": "import psycopg\nfrom dataaccess_server import errors\n",
            "db/ok.py": "from dataaccess_server.domain.model import things\nimport psycopg\n",
        },
    )
    found = {(v.importer, v.imported) for v in _checker().check(root)}
    assert found == {
        ("dataaccess_server.db.store", "dataaccess_server.domain.rules"),
        ("dataaccess_server.domain.rules", "dataaccess_server.db.store"),
        ("dataaccess_server.domain.model.things", "dataaccess_server.db.store"),
        ("dataaccess_server.api.servicer", "dataaccess_server.db.store"),
        ("dataaccess_server.domain.pure", "psycopg"),
    }


_BLOCKER = """
import importlib.abc, pkgutil, sys

class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"psycopg", "psycopg_pool", "psycopg_binary", "grpc"}:
            raise ImportError(f"{name} is unimportable in this test")
        return None

sys.meta_path.insert(0, Refuse())
import dataaccess_server.domain as domain
names = [m.name for m in pkgutil.walk_packages(domain.__path__, "dataaccess_server.domain.")]
for name in names:
    __import__(name)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"psycopg", "grpc"})
assert not loaded, loaded
print(len(names))
"""


def test_every_domain_module_imports_without_psycopg_or_grpc() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _BLOCKER], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10  # every module of the domain, not an empty walk


MAX_MODULE_LINES = 450
MAX_SERVICER_METHOD_LINES = 15


def test_no_module_of_the_server_outgrows_one_job() -> None:
    sizes = {
        str(path.relative_to(SERVER)): len(path.read_text().splitlines())
        for path in (SERVER / "dataaccess_server").rglob("*.py")
    }
    assert len(sizes) > 50
    assert {name: n for name, n in sizes.items() if n > MAX_MODULE_LINES} == {}


def test_servicer_methods_stay_thin() -> None:
    long_methods = {}
    counted = 0
    for path in (SERVER / "dataaccess_server" / "api").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name.endswith("Servicer"):
                for item in node.body:
                    if isinstance(item, ast.AsyncFunctionDef | ast.FunctionDef):
                        counted += 1
                        lines = (item.end_lineno or item.lineno) - item.lineno + 1
                        if lines > MAX_SERVICER_METHOD_LINES:
                            long_methods[f"{path.name}:{node.name}.{item.name}"] = lines
    assert counted >= 25  # every RPC of the six services, and their constructors
    assert long_methods == {}
