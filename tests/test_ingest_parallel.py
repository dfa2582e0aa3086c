"""`dossier ingest` on every core: workers per batch, page readers per long PDF, Ctrl-C, page progress.

Real `dossier` processes, real Tesseract and pdftoppm, real SQLite. Nothing here is timed
(speed is bench/ingest_bench.py's business): these check who did the work and what is left.
"""

from __future__ import annotations

import io
import os
import pty
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from conftest import ROOT, Dossier
from daemon_support import FONT, pdf_bytes, scan_bytes, write_config
from sqlalchemy import select

from pipeline.store.models import Batch, Event, Page
from pipeline.store.repository import Store




@pytest.fixture
def office(tmp_path: Path) -> Dossier:
    """An office with two workers (and two page readers per long dossier), whatever the machine."""
    runner = Dossier(data_dir=tmp_path / "data", config=write_config(tmp_path / "office.toml"))
    assert runner("init").code == 0
    return runner


def _store(office: Dossier) -> Store:
    return Store(f"sqlite:///{office.data_dir / 'dossier.sqlite3'}")


def _scans(folder: Path, count: int, *, lines: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"don-{n:02d}.png"
        text = " ".join(f"Hồ sơ số {1000 * n + line} của công dân phường Bến Nghé" for line in range(lines))
        path.write_bytes(scan_bytes(text))
        paths.append(path)
    return paths


def test_two_workers_file_every_batch_exactly_once(office, tmp_path):
    scans = _scans(tmp_path / "in", 5)
    result = office("ingest", "--json", *map(str, scans))
    assert result.code == 0, result.err
    report = result.json()
    assert sorted(f["source"] for f in report["filed"]) == sorted(map(str, scans))
    assert "page/s" not in result.err  # not a terminal: no progress bar
    store = _store(office)
    with store.session() as session:
        batches = session.scalars(select(Batch)).all()
        filed = Counter(session.scalars(select(Event.batch_id).where(Event.action == "done")))
        claims = Counter(session.scalars(select(Event.batch_id).where(Event.action == "processing")))
    store.dispose()
    assert len(batches) == 5 and {b.status for b in batches} == {"done"}
    assert all(filed[b.id] == 1 and claims[b.id] == 1 for b in batches), (filed, claims)


def test_the_pages_of_one_pdf_are_read_by_several_processes_and_kept_in_order(office, tmp_path):
    numbers = [4100 + n for n in range(1, 7)]
    pdf = tmp_path / "ho-so-dai.pdf"
    pdf.write_bytes(pdf_bytes(*(f"Trang {n} hồ sơ số {number}" for n, number in enumerate(numbers, 1))))
    result = office("ingest", "--json", str(pdf))
    assert result.code == 0, result.err
    store = _store(office)
    with store.session() as session:
        pages = session.scalars(select(Page).order_by(Page.id)).all()
        rows = [(p.file_page, p.text, p.details.get("reader_pid")) for p in pages]
    store.dispose()
    assert [page for page, _text, _pid in rows] == list(range(1, 7))
    for (_page, text, _pid), number in zip(rows, numbers, strict=True):
        assert str(number) in text.replace(" ", ""), rows
    readers = {pid for _page, _text, pid in rows}
    assert None not in readers and len(readers) >= 2, rows  # read in reader processes, more than one
    assert os.getpid() not in readers


def test_a_lone_page_is_read_without_page_readers(office, tmp_path):
    [scan] = _scans(tmp_path / "in", 1)
    assert office("ingest", str(scan)).code == 0
    store = _store(office)
    with store.session() as session:
        [details] = session.scalars(select(Page.details)).all()
    store.dispose()
    assert "reader_pid" not in details


def _group_alive(pgid: int) -> list[int]:
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                alive.append(int(entry.name))
    return alive


def _describe(pids: list[int]) -> dict[int, str]:
    """Command line and, per thread, the kernel function it waits in: what a hang left behind."""
    described = {}
    for pid in pids:
        try:
            command = (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()[:160]
            waits = [(task / "wchan").read_text() for task in (Path("/proc") / str(pid) / "task").iterdir()]
        except OSError:
            continue
        described[pid] = f"{command} waits in {waits}"
    return described


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_gives_every_claim_back_and_a_second_run_finishes(office, tmp_path):
    # Interrupted while most of the batches it claimed are still being read (with 8 small scans and a
    # second's wait before the signal, a fast run once filed them all first). The command starts with
    # Ctrl-C's default action whoever runs the tests: a shell runs a background job (`./.ci/run &`) with
    # SIGINT ignored, its children inherit that through exec, and Python then leaves it ignored.
    scans = _scans(tmp_path / "in", 16, lines=3)
    command = [sys.executable, "-m", "pipeline", "--data-dir", str(office.data_dir), "--config",
               str(office.config), "ingest", *map(str, scans)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=_default_sigint)
    store = _store(office)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # interrupted while batches are being read
        with store.session() as session:
            statuses = list(session.scalars(select(Batch.status)))
        if len(statuses) == len(scans) and statuses.count("processing") >= len(scans) // 2:
            break
        assert process.poll() is None, process.communicate()
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)  # at once, while a batch is being read
    try:
        out, err = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # say who is still there (and where each waits) before failing
        left = _describe(_group_alive(process.pid))
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"no exit 120 s after Ctrl-C (command {'gone' if process.pid not in left else 'alive'}); "
                    f"left in its group: {left}; stderr: {err[-2000:]}")
    assert process.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    with store.session() as session:
        statuses = Counter(session.scalars(select(Batch.status)))
    assert statuses["processing"] == 0 and statuses["queued"] > 0, statuses
    for _ in range(50):  # workers and page readers are gone with the command
        if not _group_alive(process.pid):
            break
        time.sleep(0.2)
    assert not _group_alive(process.pid)

    again = office("ingest", "--json", *map(str, scans))
    assert again.code == 0, again.err
    with store.session() as session:
        rows = session.execute(select(Batch.source, Batch.status)).all()
    store.dispose()
    assert not [s for _source, s in rows if s in ("queued", "processing", "failed")], rows
    assert {source for source, s in rows if s == "done"} == set(map(str, scans))


def test_the_progress_bar_counts_pages_and_stays_on_screen(office, tmp_path):
    pdf = tmp_path / "ba-trang.pdf"
    pdf.write_bytes(pdf_bytes("Trang 1 hồ sơ số 7101", "Trang 2 hồ sơ số 7102", "Trang 3 hồ sơ số 7103"))
    [scan] = _scans(tmp_path / "in", 1)
    command = [sys.executable, "-m", "pipeline", "--data-dir", str(office.data_dir), "--config",
               str(office.config), "ingest", str(pdf), str(scan)]
    main, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=terminal, env={**os.environ, "COLUMNS": "120"})
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the command closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    os.close(main)
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 0, (out, shown)
    screen = shown.decode("utf-8", "replace")
    assert "4/4" in screen and "page" in screen, screen  # 3 pages of the PDF and the scan: pages, not files
    assert "/2 " not in screen  # never counted in files
    last = screen.rstrip("\r\n").rsplit("\r", 1)[-1]
    assert "4/4" in last, screen  # the finished bar is left on screen
    assert any(name in screen for name in ("ba-trang.pdf", "don-01.png")), screen


def _dense_pdf(pages: int) -> bytes:
    """Full pages of text. Tesseract checks its deadline between words, after the layout
    analysis: a one-line page is read within 10 ms on a fast machine, a full page never is."""
    font = ImageFont.truetype(FONT, 28)
    images = []
    for n in range(1, pages + 1):
        image = Image.new("L", (1240, 1754), 255)
        draw = ImageDraw.Draw(image)
        for line in range(40):
            draw.text((60, 60 + 40 * line), f"Trang {n} dòng {line + 1}: hồ sơ số {5100 + n} của công dân phường "
                      "Bến Nghé quận Một", font=font, fill=0)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_an_error_in_a_page_reader_comes_back_typed_with_its_stage_and_file(tmp_path):
    config = write_config(tmp_path / "office.toml", {"ocr": {"timeout_seconds": 0.01}})
    office = Dossier(data_dir=tmp_path / "data", config=config)
    assert office("init").code == 0
    pdf = tmp_path / "ho-so-cham.pdf"
    pdf.write_bytes(_dense_pdf(3))
    result = office("ingest", "--json", str(pdf))
    assert result.code == 1, result.err
    [failed] = result.json()["failed"]
    assert (failed["stage"], failed["code"], failed["source"]) == ("ocr", "ocr_timeout", str(pdf)), failed
    store = _store(office)
    with store.session() as session:
        [status] = session.scalars(select(Batch.status)).all()
    store.dispose()
    assert status == "queued"  # a timeout is retried later (by the daemon), never left processing
