"""dataaccess: a gRPC data-access service on PostgreSQL."""

import os
from importlib.metadata import PackageNotFoundError, version

# The service starts PostgreSQL tools (fork + exec) while gRPC threads run. gRPC's fork
# handlers exist for fork-without-exec and can crash such a child before it execs
# (seen as pg_ctl dying of SIGSEGV); worker processes, if any, fork before gRPC starts.
# Must be set before gRPC initialises, hence here.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

try:
    __version__ = version("dataaccess-server")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
