"""Log output: human-readable text, or one JSON object per line for log collectors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from dataaccess_server.telemetry import current_trace_ids


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message (and exception), and the
    ``trace_id``/``span_id`` of the span current where the record was made, if any: a
    log line of a call links to its trace; and ``worker``, under ``serve --workers``."""

    def __init__(self, worker: int | None = None) -> None:
        super().__init__()
        self._worker = worker

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self._worker is not None:
            entry["worker"] = self._worker
        ids = current_trace_ids()
        if ids is not None:
            entry["trace_id"], entry["span_id"] = ids
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str, fmt: str, *, worker: int | None = None) -> None:
    """Send logs at ``level`` and above to stderr, as ``fmt`` ("text" or "json"); the
    lines of a worker of ``serve --workers`` say which one wrote them."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter(worker))
    else:
        tag = "" if worker is None else f"worker-{worker}[%(process)d] "
        handler.setFormatter(
            logging.Formatter(f"%(asctime)s %(levelname)-7s {tag}%(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # psycopg_pool logs every failed reconnection attempt at WARNING; the cluster
    # monitor already reports outages once per change.
    logging.getLogger("psycopg.pool").setLevel(max(logging.ERROR, root.level))
