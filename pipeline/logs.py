"""Logging: one line per event (batch id, stage, duration), or JSON lines.

Citizens' personal ID numbers never reach a log: every message is masked.
"""

from __future__ import annotations

import json
import logging
import re
import sys

_ID_NUMBER = re.compile(r"(?<!\d)(\d{3})\d{5,6}(\d{3})(?!\d)")  # 12-digit CCCD, 9-digit CMND


def mask_ids(text: str) -> str:
    """079219001234 → 079******234: enough to tell records apart, not to identify anyone."""
    return _ID_NUMBER.sub(lambda m: m.group(1) + "*" * (len(m.group(0)) - 6) + m.group(2), text)


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", {})
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        line = f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')} {record.levelname:<7} {record.getMessage()}"
        return mask_ids(f"{line} {extra}".rstrip())


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                   "logger": record.name, "message": record.getMessage(), **getattr(record, "fields", {})}
        return mask_ids(json.dumps(payload, ensure_ascii=False, default=str))


def configure(level: str = "INFO", fmt: str = "text", stream=None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_JsonFormatter() if fmt == "json" else _TextFormatter())
    root = logging.getLogger("dossier")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(f"dossier.{name}")


def log_event(logger: logging.Logger, message: str, level: int = logging.INFO, **fields) -> None:
    logger.log(level, message, extra={"fields": fields})
