"""The external programs misbehave: stand-ins for `tesseract` and `pdftoppm` that crash, hang, print
garbage or exhaust memory (tests/fault_support.py), first on PATH, as OCRmyPDF tests its own.

Whatever the program does, `dossier ingest` returns within the bounds, the input ends as exactly one
batch with a one-line reason naming the file and the stage, and no traceback reaches the operator.
The tesseract stand-in is driven through the `pytesseract` engine (a process per page); the default
engine, tesserocr, runs Tesseract inside the worker, where its own timeout is tested in
test_ocr_engine.py (`test_a_page_over_its_time_fails_as_a_transient_timeout`, both engines).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from daemon_support import pdf_bytes, scan_bytes
from fault_support import InProcess, calls, path_with, stand_in

from pipeline.config import LimitSettings
from pipeline.errors import CorruptFile, ExitCode
from pipeline.stages import rasterize
from pipeline.stages.engines import poppler

pytestmark = pytest.mark.slow

OCR_TIMEOUT = 2


@pytest.fixture
def office(tmp_path, capsys, monkeypatch):
    """An office whose OCR runs the `tesseract` command found on PATH, with short bounds."""
    config = tmp_path / "office.toml"
    config.write_text(f'[ocr]\nengine = "pytesseract"\ntimeout_seconds = {OCR_TIMEOUT}\n'
                      "[queue]\nmax_attempts = 2\nretry_base_seconds = 1.0\n")
    dossier = InProcess(tmp_path / "data", config=config, capsys=capsys)
    assert dossier("init").code == 0

    def ingest_with(program: str, mode: str, source: Path):
        bin_dir = tmp_path / f"bin-{program}-{mode}"
        stand_in(bin_dir, program, mode)
        monkeypatch.setenv("PATH", path_with(bin_dir)["PATH"])
        started = time.monotonic()
        result = dossier("ingest", str(source))
        monkeypatch.undo()
        return result, time.monotonic() - started, calls(bin_dir, program)

    dossier.ingest_with = ingest_with
    return dossier


def ended_once_with_a_reason(dossier, result, source: Path, stage: str) -> dict:
    """One batch for the input, failed (or waiting for a retry) with a one-line reason naming file and stage."""
    assert result.code == ExitCode.BATCH_FAILED, (result.out, result.err)
    assert "Traceback" not in result.err, result.err
    [line] = [line for line in result.err.splitlines() if "FAILED" in line]
    assert f"{source}: {stage}: " in line, line
    [batch] = dossier("batches", "--json").json()
    assert batch["source"] == str(source) and batch["status"] in ("failed", "queued") and batch["reason"]
    return batch


@pytest.mark.parametrize("program, mode", [*(("tesseract", m) for m in ("crash", "hang", "garbage", "memory")),
                                           *(("pdftoppm", m) for m in ("crash", "garbage", "memory"))])
def test_a_misbehaving_program_fails_the_page_within_its_bound(office, tmp_path, program, mode):
    if program == "tesseract":
        source, stage = tmp_path / "to-khai.png", "ocr"
        source.write_bytes(scan_bytes("Tờ khai đăng ký khai sinh Nguyễn Văn An"))
    else:  # pdftoppm renders the pages of a PDF
        source, stage = tmp_path / "ho-so.pdf", "rasterize"
        source.write_bytes(pdf_bytes("Giấy khai sinh Lê Thị Hà"))
    result, seconds, ran = office.ingest_with(program, mode, source)
    assert ran, "the stand-in was not called"
    batch = ended_once_with_a_reason(office, result, source, stage)
    if (program, mode) == ("tesseract", "hang"):  # the per-page bound held, said as such, and will be retried
        assert f"OCR did not finish within {OCR_TIMEOUT} s" in batch["reason"] and batch["status"] == "queued"
        assert seconds < OCR_TIMEOUT * 4 + 30
    if (program, mode) == ("pdftoppm", "memory"):  # stopped by the RLIMIT_AS dossier sets, not the safety net
        assert "needs more memory to render than allowed (Error: Out of memory)" in batch["reason"]


def test_a_hanging_pdftoppm_is_stopped_by_the_tool_timeout(tmp_path, monkeypatch):
    """In-process, with the tool timeout shortened (it is 120 s, not a setting)."""
    stand_in(tmp_path / "bin", "pdftoppm", "hang")
    monkeypatch.setenv("PATH", path_with(tmp_path / "bin")["PATH"])
    monkeypatch.setattr(poppler, "PDF_TOOL_TIMEOUT", 2)
    source = tmp_path / "ho-so.pdf"
    source.write_bytes(pdf_bytes("Giấy khai sinh Lê Thị Hà"))
    started = time.monotonic()
    with pytest.raises(CorruptFile, match="pdftoppm did not finish within 2 s"):
        list(rasterize.iter_pages(source, "application/pdf", file_ordinal=0, dpi=150, limits=LimitSettings()))
    assert time.monotonic() - started < 30
