"""Logs on stderr, each line carrying the id of the request it belongs to.

JSON (one object per line, so a log shipper needs no multi-line parsing and a request's lines
can be found by `request_id`) wherever stderr is not a terminal; on a terminal, by default,
one readable line per record. Each request gets one access line, ours
(web/request_id.py): uvicorn's own access log would say the same again, so it is silenced
here, whoever started uvicorn.
Only the handler installed here is ever replaced, so handlers others add (pytest's caplog,
an APM agent) keep working and calling this twice is harmless.

The access line is written straight to the stream when this module's JSON handler is the only
thing that would see it (`log_access`): building a LogRecord, stamping, filtering and
formatting it cost about a sixth of a warm cached answer's whole time in the app, for a line
whose every field is known. Anything else listening (another handler, a filter, a record
factory, text on a terminal) gets the ordinary record, so it sees exactly what it always did.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import IO, Any

import orjson

# uvicorn's own loggers stop propagating under its default config; route them to ours.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
access_log = logging.getLogger("linkgraph.access")
# The id of the request being served (web/request_id.py sets it for each request's duration).
current_request: ContextVar[str | None] = ContextVar("linkgraph_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, or None outside a request."""
    return current_request.get()


class RequestIdFilter(logging.Filter):
    """Stamp `record.request_id` with the current request's id (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id()
        return True


def _stamped_factory(base: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = base(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    make.linkgraph = True  # type: ignore[attr-defined]
    make.base = base  # type: ignore[attr-defined]
    return make


class JsonFormatter(logging.Formatter):
    """One JSON object per record. Every request writes an access line, so this is on the hot
    path: orjson encodes, and the time's second part is formatted once per second."""

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._second_text = ""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self._time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or current_request_id(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return orjson.dumps(entry, default=str).decode()

    def line(self, created: float, level: str, logger: str, message: str) -> str:
        """What `format` makes of a record with these fields, no exception and the current
        request's id."""
        return orjson.dumps(
            {
                "time": self._time(created),
                "level": level,
                "logger": logger,
                "message": message,
                "request_id": current_request_id(),
            }
        ).decode()

    def _time(self, created: float) -> str:
        """`created` as ISO 8601 in UTC with milliseconds, like
        `datetime.isoformat(timespec="milliseconds")`."""
        second = int(created)
        # Rounded to the microsecond first, as datetime.fromtimestamp does.
        micro = round((created - second) * 1_000_000)
        if micro >= 1_000_000:
            second, micro = second + 1, micro - 1_000_000
        if second != self._second:
            self._second = second
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._second_text}.{micro // 1000:03d}+00:00"


class TextFormatter(logging.Formatter):
    """`12:00:01 INFO linkgraph.access [id] POST /graphql 200 3.1ms`: for a person reading
    a terminal, so the date and an absent request id are left out."""

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s%(request_tag)s %(message)s", "%H:%M:%S"
        )

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.request_tag = f" [{request_id}]" if request_id else ""
        return super().format(record)


class _LinkgraphHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler this module installed, so reconfiguring replaces only it."""


def log_access(method: str, path: str, status: int, seconds: float) -> None:
    """One request's access line on `linkgraph.access`: `POST /graphql 200 3.1ms`."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    handler = _sole_json_handler()
    if handler is not None:
        formatter = handler.formatter
        assert isinstance(formatter, JsonFormatter)
        message = f"{method} {path} {status} {seconds * 1000:.1f}ms"
        line = formatter.line(time.time(), "INFO", access_log.name, message)
        handler.acquire()
        try:
            handler.stream.write(line + handler.terminator)
            handler.stream.flush()
        except Exception:  # as StreamHandler.emit: a broken stream must not fail the request
            handler.handleError(_access_record(method, path, status, seconds))
        finally:
            handler.release()
        return
    # Made here rather than by `info()`, which walks the stack for its caller on every
    # request: the caller is always the request-id layer.
    access_log.handle(_access_record(method, path, status, seconds))


def _access_record(method: str, path: str, status: int, seconds: float) -> logging.LogRecord:
    return access_log.makeRecord(
        access_log.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %d %.1fms",
        (method, path, status, seconds * 1000),
        None,
        "log_access",
    )


def _sole_json_handler() -> _LinkgraphHandler | None:
    """This module's JSON handler when it is the only one an access record would reach, with
    nothing between (no filter but its own, no record factory but ours); else None."""
    found: _LinkgraphHandler | None = None
    logger: logging.Logger | None = access_log
    while logger is not None:
        if logger.filters or logger.disabled:
            return None
        for handler in logger.handlers:
            if found is not None or type(handler) is not _LinkgraphHandler:
                return None
            found = handler
        if not logger.propagate:
            break
        logger = logger.parent
    if (
        found is None
        or found.level > logging.INFO
        or type(found.formatter) is not JsonFormatter
        or len(found.filters) != 1
        or type(found.filters[0]) is not RequestIdFilter
    ):
        return None
    factory = logging.getLogRecordFactory()
    if getattr(factory, "base", None) is not logging.LogRecord:
        return None
    return found


def configure_logging(
    level: str | int = "INFO", fmt: str = "json", stream: IO[str] | None = None
) -> logging.Handler:
    """Install (or replace) the one root handler of this service and return it; `fmt` is
    `json`, `text`, or `auto` (text when the stream is a terminal)."""
    stream = stream or sys.stderr
    handler = _LinkgraphHandler(stream)
    handler.addFilter(RequestIdFilter())
    if fmt == "auto":
        fmt = "text" if stream.isatty() else "json"
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    # Stamp records when they are made, in the request's context, so every handler (not only
    # ours) sees the id, even when the record is handled elsewhere.
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "linkgraph", False):
        logging.setLogRecordFactory(_stamped_factory(factory))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _LinkgraphHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
    # uvicorn skips its access line when this logger would drop INFO.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    return handler
