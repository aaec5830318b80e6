"""dataaccess: a gRPC data-access service on PostgreSQL."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dataaccess-server")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
