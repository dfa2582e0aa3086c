"""Logging: one line per event (batch id, stage, duration), as text or JSON lines.

Citizens' personal ID numbers never reach a log: every line, tracebacks
included, is masked after formatting, so no call site can forget it. A file
name that is not UTF-8 is written with its odd bytes escaped (`\\xff`): a
log line never fails to be written, whatever name it carries.
"""

from __future__ import annotations

import json
import logging
import re
import sys

from pipeline.errors import printable

# 12-digit CCCD and 9-digit CMND, standing alone (not inside a longer number).
_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})(\d{6}|\d{3})(\d{3})(?!\d)")
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def mask_ids(text: str) -> str:
    """079219001234 → 079******234: enough to tell records apart, not to identify anyone."""
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3), text)


def _text_value(value: object) -> str:
    text = str(value)
    # Values with spaces (reasons, file names) are quoted so that a line still splits into key=value pairs.
    return json.dumps(text, ensure_ascii=False) if not text or any(c.isspace() or c in "\"=" for c in text) else text


class _Formatter(logging.Formatter):
    def __init__(self, *, tracebacks: bool) -> None:
        super().__init__()
        self.tracebacks = tracebacks

    def traceback(self, record: logging.LogRecord) -> str | None:
        """The traceback of the record, or None: a command prints it only with --debug."""
        return self.formatException(record.exc_info) if record.exc_info and self.tracebacks else None


class _TextFormatter(_Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{key}={_text_value(value)}" for key, value in fields.items() if value is not None)
        line = f"{self.formatTime(record, _TIME_FORMAT)} {record.levelname:<7} {record.getMessage()} {extra}".rstrip()
        if traceback := self.traceback(record):
            line += "\n" + traceback
        return mask_ids(printable(line))


class _JsonFormatter(_Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {"time": self.formatTime(record, _TIME_FORMAT), "level": record.levelname,
                   "logger": record.name, "message": record.getMessage(),
                   **{k: v for k, v in getattr(record, "fields", {}).items() if v is not None}}
        if traceback := self.traceback(record):
            payload["traceback"] = traceback
        # Escaped value by value, so that the line stays valid JSON.
        payload = {k: v if isinstance(v, (int, float, bool, dict, list)) else printable(str(v)) for k, v in payload.items()}
        return mask_ids(json.dumps(payload, ensure_ascii=False))


def configure(level: str = "INFO", fmt: str = "text", stream=None, *, tracebacks: bool = True) -> None:
    """Send dossier's log to `stream` (stderr: journald picks it up under systemd).

    `tracebacks`: log the traceback of a bug with its line (the daemon, `--debug`); the commands
    an operator runs show the one line only.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    formatter = _JsonFormatter if fmt == "json" else _TextFormatter
    handler.setFormatter(formatter(tracebacks=tracebacks))
    root = logging.getLogger("dossier")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def current_level() -> str:
    """The level this process logs at, for the child processes it starts (they log alike)."""
    return logging.getLevelName(logging.getLogger("dossier").getEffectiveLevel())


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(f"dossier.{name}")


def log_event(logger: logging.Logger, message: str, level: int = logging.INFO, **fields) -> None:
    """One event, one line: `message key=value ...`; None values are left out."""
    logger.log(level, message, extra={"fields": fields})
