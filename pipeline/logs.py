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

# Personal ID numbers: the 12-digit CCCD and the 9-digit CMND, written in any grouping
# (079219001234, 079 219 001 234, 079.219.001.234, 079-219-001-234, 0792 1900 1234).
# A number is a run of digit groups joined by one separator each; a run that touches a
# Latin letter at either end is part of a word or a hexadecimal hash (sha256=...), not an ID.
_DIGIT_RUN = re.compile(r"\d+(?:[ .\-\u00a0]\d+)*")
_GROUP = re.compile(r"\d+")
_ID_LENGTHS = (12, 9)  # a 12-digit number is never masked as a 9-digit one and 3 digits left over
_TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"


def mask_ids(text: str) -> str:
    """079219001234 → 079******234, also written 079 219 001 234 or 079.219.001.234: enough to tell
    records apart, not to identify anyone. The one masking function: logs, tracebacks, error
    messages, stored failure reasons and what commands print all go through it."""
    if not any(c.isdigit() for c in text):
        return text
    return _DIGIT_RUN.sub(lambda m: _mask_run(text, m), text)


def _mask_run(text: str, run: re.Match) -> str:
    groups = [(g.start() + run.start(), g.end() + run.start()) for g in _GROUP.finditer(run.group())]
    if run.start() > 0 and _is_latin_letter(text[run.start() - 1]):
        groups = groups[1:]  # the first group belongs to a word (or a hash) before it
    if groups and run.end() < len(text) and _is_latin_letter(text[run.end()]):
        groups = groups[:-1]
    pieces, at, i = [], run.start(), 0
    while i < len(groups):
        end = _id_ending_at(groups, i)
        if end is None:
            i += 1
            continue
        start, stop = groups[i][0], groups[end][1]
        digits = "".join(c for c in text[start:stop] if c.isdigit())
        pieces += [text[at:start], digits[:3] + "*" * (len(digits) - 6) + digits[-3:]]
        at, i = stop, end + 1
    pieces.append(text[at:run.end()])
    return "".join(pieces)


def _id_ending_at(groups: list[tuple[int, int]], first: int) -> int | None:
    """The last group of an ID number that starts at group `first`, or None."""
    for length in _ID_LENGTHS:
        total = 0
        for last in range(first, len(groups)):
            total += groups[last][1] - groups[last][0]
            if total == length:
                return last
            if total > length:
                break
    return None


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalpha()


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
