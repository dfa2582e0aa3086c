"""Helpers for the daemon tests: tiny real scans, an office config, the daemon as a subprocess.

Scans are single-line images rendered with DejaVuSans so that real Tesseract
reads them in a fraction of a second; the daemon runs as `python -m pipeline
... watch` in its own process group, exactly as systemd starts it.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Dossier, indexed_store
from pipeline.cli.views import batch_view
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from pipeline.store.models import Batch, Document
from pipeline.store.repository import NewFile, Store

ROOT = Path(__file__).resolve().parent.parent
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

# Short periods so that the tests wait seconds, not minutes; the rules are the production ones.
FAST_OFFICE = {
    "inbox": {"quiet_seconds": 1.0, "folder_quiet_seconds": 3.0, "incomplete_seconds": 5.0,
              "rescan_seconds": 2.0},
    "queue": {"workers": 2, "retry_base_seconds": 1.0, "lease_seconds": 30.0, "shutdown_seconds": 10.0},
}


def write_config(path: Path, overrides: dict | None = None) -> Path:
    """An office config: FAST_OFFICE plus `overrides` (section → key → value), catalog of the project."""
    sections = {"catalog": {"path": str(ROOT / "configs" / "catalog.toml")}}
    for source in (FAST_OFFICE, overrides or {}):
        for section, values in source.items():
            sections.setdefault(section, {}).update(values)
    lines = []
    for section, values in sections.items():
        lines.append(f"[{section}]")
        lines += [f"{key} = {_toml(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


# --- a store with batches ---------------------------------------------------------


def record(store: Store, n: int, *, district: str = "Q1", **kwargs) -> int:
    """Record dossier number `n` (a one-file batch, queued unless `kwargs` say otherwise)."""
    sha = f"{n:064x}"
    batch_id, _, _ = store.record_batch(source=f"{n}.pdf", kind="file", district=district, sha256=sha,
                                        files=[NewFile(f"{n}.pdf", sha, 1, "application/pdf")], **kwargs)
    return batch_id


# --- scans -----------------------------------------------------------------------


def text_image(text: str) -> Image.Image:
    font = ImageFont.truetype(FONT, 28)
    width = int(font.getlength(text)) + 24
    image = Image.new("L", (width, 56), 255)
    ImageDraw.Draw(image).text((12, 10), text, font=font, fill=0)
    return image


def scan_bytes(text: str, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    text_image(text).save(buffer, fmt, dpi=(300, 300))
    return buffer.getvalue()


def pdf_bytes(*page_texts: str) -> bytes:
    """An image-only PDF, one page per text (pdftoppm renders it, Tesseract reads it)."""
    pages = [text_image(t) for t in page_texts]
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def encrypted_pdf_bytes() -> bytes:
    """A PDF locked with a user password nobody here knows (Standard security handler, RC4 40-bit)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
        b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <" + hashlib.sha256(b"owner").hexdigest().encode()
        + b"> /U <" + hashlib.sha256(b"user").hexdigest().encode() + b"> >>",
    ]
    trailer_extra = b"/Encrypt 4 0 R /ID [<" + b"ab" * 16 + b"> <" + b"ab" * 16 + b">]"
    return _assemble_pdf(objects, trailer_extra)


def _assemble_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode() + trailer_extra
    out += f" >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def drop_all(inbox: Path, files: dict[str, bytes], staging: Path) -> None:
    """Write everything aside, then move it into the inbox at once (as a copy tool's final renames do)."""
    staging.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (staging / name).write_bytes(data)
    for name in files:
        os.replace(staging / name, inbox / name)


# --- the daemon --------------------------------------------------------------------


@dataclass
class DaemonProcess:
    process: subprocess.Popen
    log_path: Path

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill_everything(self) -> None:
        """kill -9 the daemon and its workers at once, as a power cut or the OOM killer would."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def group_left(self) -> list[str]:
        """Command lines of the processes of the daemon's group (its workers) still running."""
        left = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
                if int(fields[2]) == self.process.pid and fields[0] != "Z":  # field 5: process group
                    left.append((stat.parent / "cmdline").read_text().replace("\0", " "))
            except OSError:
                continue
        return left


def start_daemon(data_dir: Path, config: Path, *extra: str, log_name: str = "daemon.log") -> DaemonProcess:
    log_path = data_dir.parent / log_name
    command = [sys.executable, "-m", "pipeline", "--data-dir", str(data_dir), "--config", str(config),
               "watch", *extra]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    return DaemonProcess(process, log_path)


def wait_until(condition: Callable[[], object], *, timeout: float, what: str,
               daemon: DaemonProcess | None = None, every: float = 0.2):
    """Poll `condition` until it returns something true; fail with `what` (and the daemon's log) at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if daemon is not None and not daemon.alive():
            raise AssertionError(f"the daemon exited ({daemon.process.returncode}) while waiting for {what}\n"
                                 f"{daemon.log[-4000:]}")
        if time.monotonic() > deadline:
            detail = f"\n--- daemon log ---\n{daemon.log[-4000:]}" if daemon else ""
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}{detail}")
        time.sleep(every)


# --- a district office -------------------------------------------------------------


class Office:
    """One district office: data dir, config, inbox, store, and the daemon while it runs."""

    def __init__(self, folder: Path, overrides: dict | None = None, *, model: Path | None = None) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.data_dir = folder / "data"
        self.config = write_config(folder / "office.toml", overrides)
        self.cli = Dossier(data_dir=self.data_dir, config=self.config)
        result = self.cli("init")
        assert result.code == 0, result.err
        if model is not None:  # the model a fresh office trains at its first document, trained once per session
            (self.data_dir / "models").mkdir(exist_ok=True)
            shutil.copy2(model, self.data_dir / "models" / model.name)
        self.inbox = self.data_dir / "inbox"
        url = (overrides or {}).get("store", {}).get("url") or f"sqlite:///{self.data_dir / 'dossier.sqlite3'}"
        self.store = indexed_store(url)
        self.daemons: list[DaemonProcess] = []

    def start(self) -> DaemonProcess:
        daemon = start_daemon(self.data_dir, self.config)
        self.daemons.append(daemon)
        wait_until(lambda: "watching" in daemon.log, timeout=60, what="the daemon to watch the inbox", daemon=daemon)
        return daemon

    def batches(self) -> list[dict]:
        """The batches as `dossier batches --json` shows them."""
        return [batch_view(b) for b in self.store.batches()]

    def settled(self, count: int):
        """All `count` batches recorded and none queued or processing any more."""
        rows = self.batches()
        return rows if len(rows) >= count and all(r["status"] not in ("queued", "processing") for r in rows) else None

    def error_codes(self) -> dict[str, str]:
        """source → machine-readable reason of every failed batch."""
        with self.store.session() as session:
            rows = session.execute(select(Batch.source, Batch.error_code).where(Batch.status == "failed"))
            return dict(rows.all())

    def document_count(self) -> int:
        with self.store.session() as session:
            return session.scalar(select(func.count()).select_from(Document))

    def archived(self) -> set[str]:
        return {p.name for p in (self.data_dir / "archive").glob("??/??/*")}

    def close(self) -> None:
        for daemon in self.daemons:
            if daemon.alive():
                daemon.kill_everything()
        self.store.dispose()


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path | None:
    """The classification model every fresh data folder would train for itself (seconds per worker)."""
    from pipeline.catalog import load_catalog
    from pipeline.stages import training

    models = tmp_path_factory.mktemp("models")
    training.current_model(models, load_catalog(ROOT / "configs" / "catalog.toml"))
    path = training.model_path(models)
    return path if path.exists() else None


@pytest.fixture
def office(tmp_path, trained_model):
    offices = []

    def make(overrides: dict | None = None, *, name: str = "office") -> Office:
        offices.append(Office(tmp_path / name, overrides, model=trained_model))
        return offices[-1]

    yield make
    for o in offices:
        o.close()
