"""The log: one line per event with its fields, text or JSON lines, and never a citizen's ID number."""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path

import pytest

from pipeline import logs


@pytest.fixture
def captured():
    """Configure dossier's log into a buffer; give back a function returning its lines."""
    stream = io.StringIO()

    def lines(fmt: str):
        logs.configure("INFO", fmt, stream=stream)
        return lambda: stream.getvalue().splitlines()

    yield lines
    logs.configure("ERROR", "text")


@pytest.mark.parametrize("text, masked", [
    ("CCCD 079219001234", "CCCD 079******234"),
    ("CMND 025123456 cấp 2010", "CMND 025***456 cấp 2010"),
    ("cccd_079219001234.png", "cccd_079******234.png"),
    ("số 079219001234, 025123456", "số 079******234, 025***456"),
    # in any grouping, as people and OCR write them
    ("CCCD 079 190 864 632", "CCCD 079******632"),
    ("CCCD 079.190.864.632", "CCCD 079******632"),
    ("CCCD 079-190-864-632.", "CCCD 079******632."),
    ("0791 9086 4632", "079******632"),
    ("CMND 025 123 456 cấp 12/03/2010", "CMND 025***456 cấp 12/03/2010"),
    ("số 12 079 190 864 632", "số 12 079******632"),  # a number before it does not hide it
    ("079190864632 cấp ngày 12 03 2020", "079******632 cấp ngày 12 03 2020"),  # nor a date after it
])
def test_id_numbers_are_masked(text, masked):
    assert logs.mask_ids(text) == masked


@pytest.mark.parametrize("text", ["batch=123456", "0901234567", "ms=12345678901", "ID 0792190012345",
                                  "0901 234 567", "2026-11-26T03:32:07", "ngày 11 08 1990",
                                  "sha256=ab079190864632ff0a"])  # a hash is no ID number
def test_other_numbers_are_left_alone(text):
    assert logs.mask_ids(text) == text


def test_a_text_line_carries_the_event_and_its_fields(captured):
    read = captured("text")
    logs.log_event(logs.get_logger("t"), "filed", batch=12, stage="index", ms=345, source="hồ sơ an.pdf",
                   duplicate_of=None)
    [line] = read()
    assert line.split()[1] == "INFO"
    assert line.endswith('filed batch=12 stage=index ms=345 source="hồ sơ an.pdf"')  # None fields left out


def test_json_lines_parse_and_are_masked(captured):
    read = captured("json")
    logs.log_event(logs.get_logger("t"), "failed", level=logging.WARNING, batch=3, stage="ocr", ms=10,
                   reason="cccd_079219001234.pdf: ocr: timeout")
    [line] = read()
    event = json.loads(line)
    assert {k: event[k] for k in ("level", "message", "batch", "stage", "ms")} == {
        "level": "WARNING", "message": "failed", "batch": 3, "stage": "ocr", "ms": 10}
    assert event["reason"] == "cccd_079******234.pdf: ocr: timeout"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tracebacks_are_logged_and_masked_too(captured, fmt):
    read = captured(fmt)
    try:
        raise ValueError("bad field 079219001234")
    except ValueError:
        logs.get_logger("t").exception("unexpected error in batch 7")
    output = "\n".join(read())
    assert "ValueError: bad field 079******234" in output.replace("\\n", "\n")
    assert "079219001234" not in output


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_file_name_that_is_not_utf8_is_written_escaped_and_the_line_stays_valid(fmt):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="strict")  # a strict stream: a lone surrogate would fail
    logs.configure("INFO", fmt, stream=stream)
    try:
        logs.log_event(logs.get_logger("t"), "taken", source=os.fsdecode(b"cccd_\xff\xfe.png"), inbox=Path("/srv/in"))
        stream.flush()
    finally:
        logs.configure("ERROR", "text")
    line = raw.getvalue().decode("utf-8").strip()
    assert "cccd_\\xff\\xfe.png" in (json.loads(line)["source"] if fmt == "json" else line)
