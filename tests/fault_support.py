"""Fault injection for the tests, as OCRmyPDF does it: the real programs and servers, made to misbehave.

- `TcpProxy`: stands between dossier and PostgreSQL; it forwards, or `stall()`s (accepts
  and holds every byte, answering nothing: a frozen server or a black-holed network), or
  `cut()`s (drops every connection and refuses new ones: a server that went down).
- `stand_in()`: a fake `tesseract` or `pdftoppm` first on PATH that crashes, hangs, prints
  garbage or exhausts memory; everything it is not asked to break goes to the real program.
- `small_disk()`: a small tmpfs, where mounting is permitted (root); the tests that need it skip
  elsewhere, and a write hook (the archive's copy written to /dev/full) covers intake in-process.
- `NON_UTF8_NAME`: a file name that is not UTF-8 (bytes 0xff 0xfe), as old scanners and shares make.
- `InProcess`: the `dossier` command run by its `main` in the test's process (no Python start per call).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import CliResult, Dossier
from tcp_proxy import TcpProxy  # noqa: F401 - re-exported for the tests

from pipeline.cli import main

NON_UTF8_NAME = os.fsdecode(b"cccd_\xff\xfe.png")  # lone surrogates in Python: what the inbox gives us


@dataclass
class InProcess(Dossier):
    """`dossier` run by its `main` in this process: the same code, without a Python start per call."""

    capsys: pytest.CaptureFixture | None = None

    def __call__(self, *args: str, timeout: float = 0, env: dict[str, str] | None = None) -> CliResult:
        command = ["--data-dir", str(self.data_dir), *(["--config", str(self.config)] if self.config else []),
                   *(["--db", self.db_url] if self.db_url else [])]
        try:
            code = main([*command, *args])
        except SystemExit as exit:  # argparse's own exits (usage errors, --help)
            code = exit.code
        finally:
            logging.getLogger("dossier").handlers.clear()  # its stream is the captured one of this call
        captured = self.capsys.readouterr()
        return CliResult(int(code), captured.out, captured.err)


# --- stand-ins for external programs ------------------------------------------------

STAND_IN = r'''#!{python}
"""A misbehaving {name}: {mode}. Other calls ({passthrough}) go to the real program."""
import os, signal, sys, time
args = sys.argv[1:]
if any(a in ("--version", "-v", "--list-langs") for a in args):
    os.execv({real!r}, [{real!r}, *args])
mode = {mode!r}
with open({log!r}, "a") as log:
    log.write(" ".join(args) + "\n")
if mode == "crash":
    os.kill(os.getpid(), signal.SIGSEGV)
if mode == "hang":
    time.sleep(3600)
if mode == "garbage":
    junk = bytes(range(256)) * 64
    if {name!r} == "tesseract" and len(args) > 1:  # tesseract IMAGE OUTPUTBASE ...: OUTPUTBASE.tsv, .txt, .osd
        for ext in (".tsv", ".txt", ".osd"):
            with open(args[1] + ext, "wb") as fh:
                fh.write(junk)
    sys.stdout.buffer.write(junk)  # pdftoppm writes the page to stdout
    sys.exit(0)
if mode == "memory":
    hoard = []
    try:
        while True:  # until the bound set on the process (RLIMIT_AS) stops it ...
            hoard.append(bytearray(16 << 20))
            if len(hoard) * 16 >= {safety_mb}:  # ... or this safety net of the shared test machine
                break
    except MemoryError:  # the bound held
        del hoard
        sys.stderr.write("Error: Out of memory\n")  # as poppler's and Tesseract's allocators say it
        sys.exit(1)
    sys.stderr.write("stand-in safety net: no memory bound stopped me\n")
    sys.exit(1)
'''


# A program without a memory bound of its own (the tesseract command) must not take the shared
# machine down with it: the stand-in gives up here, as an allocation that failed.
MEMORY_SAFETY_MB = 1536  # above the smallest bound dossier gives poppler (1 GiB)


def stand_in(folder: Path, name: str, mode: str) -> Path:
    """Write a `name` stand-in that fails in `mode` into `folder`; put `folder` first on PATH to use it.

    Modes: crash (SIGSEGV), hang (sleeps an hour), garbage (bytes that are no image nor text),
    memory (allocates until the process's memory bound stops it, at most MEMORY_SAFETY_MB).
    Calls are logged in `folder/<name>.calls`, one line each.
    """
    real = shutil.which(name)
    assert real, f"{name} is not installed"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(STAND_IN.format(python=sys.executable, name=name, mode=mode, real=real, safety_mb=MEMORY_SAFETY_MB,
                                    log=str(folder / f"{name}.calls"), passthrough="--version, --list-langs"))
    path.chmod(0o755)
    return path


def path_with(folder: Path) -> dict[str, str]:
    """The environment of a command that finds the stand-ins of `folder` before the real programs."""
    return {"PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}


def calls(folder: Path, name: str) -> list[str]:
    log = folder / f"{name}.calls"
    return log.read_text().splitlines() if log.exists() else []


# --- a small full disk ------------------------------------------------------------------


@contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of `size` mounted at `where` (root only); skips the test where mounting is not permitted."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", f"dossier-test-{uuid.uuid4().hex[:8]}",
                              str(where)], capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'not root'}); "
                    "the write-hook tests cover the same code")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False)


def fill(folder: Path, *, leave: int = 0) -> Path:
    """Fill the file system of `folder` up to `leave` bytes free; returns the filler file (delete it to recover)."""
    filler = folder / ".filler"
    with filler.open("wb") as fh:
        chunk = b"\0" * 65536
        try:
            while True:
                free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
                if free <= leave:
                    break
                fh.write(chunk[: max(1, min(len(chunk), free - leave))])
                fh.flush()
        except OSError:
            pass
    return filler
