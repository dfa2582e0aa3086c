"""Soak: `dossier watch` under a steady stream of good and bad files, with faults on a schedule.

    .venv/bin/python bench/soak.py [--minutes 5] [--per-minute 12] [--fault-every 60] [--db URL]
                                   [--out bench/results/soak.md]

A fresh office runs the daemon (2 workers, short quiet periods) for `--minutes` while inputs arrive
at `--per-minute`, cycling through: good scans (PNG, a 2-page PDF, a folder dossier with its
marker, a file whose name is not UTF-8) and bad ones (a corrupt PDF, an empty file, an HTML page
named .pdf, a PNG truncated for good, a link to a file outside the inbox, a FIFO, a copy of an
earlier scan, an empty folder). Every `--fault-every` seconds the next fault of the schedule is
injected for 20 s:

* a worker killed (kill -9), as the OOM killer does;
* the store away: on SQLite another process holds its write lock; on PostgreSQL (`--db`) the
  connection goes through a TCP proxy that cuts it, and later stalls it (tests/tcp_proxy.py);
* the disk full: the data folder is a tmpfs filled to the last byte (root only; skipped otherwise).

Every `--sample-seconds` the daemon's and its workers' resident memory (RSS) and open descriptors
are read from /proc, with the batches filed so far. After the stream stops, the queue drains and
the daemon is stopped with SIGTERM; then every input is accounted for: each must be exactly one
batch (done, failed with a reason, or duplicate as intended); the empty folder is left alone.
Reported: throughput, RSS and descriptors over time (the growth from the first third of the run
to the last), the time each fault took to drain after it ended, lost and doubled inputs.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, make_url, select
from tcp_proxy import TcpProxy

from pipeline.catalog import load_catalog
from pipeline.office.intake import shown_name
from pipeline.stages import training
from pipeline.store.models import Batch
from pipeline.store.repository import Store

RESULTS = ROOT / "bench" / "results" / "soak.md"
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FAULT_SECONDS = 20.0
WARMUP_SECONDS = 60.0  # left out of the growth figures: the workers load Tesseract and the model
DRAIN_LIMIT_SECONDS = 300.0
NAMES = ["Nguyễn Văn An", "Trần Thị Mai", "Lê Thị Hà", "Phạm Văn Đức", "Đặng Thị Lan", "Võ Minh Khoa"]


# --- inputs ----------------------------------------------------------------------------


def scan(text: str, fmt: str = "PNG", pages: int = 1) -> bytes:
    font = ImageFont.truetype(FONT, 28)
    images = []
    for page in range(pages):
        line = f"{text} trang {page + 1}" if pages > 1 else text
        image = Image.new("L", (int(font.getlength(line)) + 24, 56), 255)
        ImageDraw.Draw(image).text((12, 10), line, font=font, fill=0)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, fmt, resolution=300, dpi=(300, 300), save_all=pages > 1, append_images=images[1:])
    return buffer.getvalue()


@dataclass
class Drop:
    entry: str  # the name in the inbox
    expect: str  # done | failed | duplicate | left (an empty folder, left alone)


class Stream:
    """The inputs, in a fixed cycle of kinds, each with a unique name and (for good ones) unique text."""

    KINDS = ("png", "pdf", "corrupt", "folder", "empty", "odd_name", "html", "link", "png", "truncated",
             "fifo", "copy", "png", "empty_folder")

    def __init__(self, inbox: Path, staging: Path, outside: Path) -> None:
        self.inbox, self.staging, self.outside = inbox, staging, outside
        self.number = 0
        self.good: list[bytes] = []
        self.drops: list[Drop] = []
        staging.mkdir(parents=True, exist_ok=True)

    def next(self) -> Drop:
        kind = self.KINDS[self.number % len(self.KINDS)]
        self.number += 1
        n = self.number
        text = f"Tờ khai số {n} {random.Random(n).choice(NAMES)}"
        if kind == "png":
            drop = self._file(f"{n:05d}-scan.png", self._good(scan(text)), "done")
        elif kind == "pdf":
            drop = self._file(f"{n:05d}-ho-so.pdf", self._good(scan(text, "PDF", pages=2)), "done")
        elif kind == "odd_name":
            drop = self._file(os.fsdecode(f"{n:05d}-cccd_".encode() + b"\xff\xfe.png"), self._good(scan(text)), "done")
        elif kind == "copy":
            drop = self._file(f"{n:05d}-ban-sao.png", self.good[-1], "duplicate")
        elif kind == "corrupt":
            drop = self._file(f"{n:05d}-hong.pdf", b"%PDF-1.4\n1 0 obj\n<< garbage >>\nendobj\n%%EOF\n", "failed")
        elif kind == "empty":
            drop = self._file(f"{n:05d}-rong.pdf", b"", "failed")
        elif kind == "html":
            drop = self._file(f"{n:05d}-trang-loi.pdf", b"<!DOCTYPE html><html>502 Bad Gateway</html>\n" * 40,
                              "failed")
        elif kind == "truncated":
            drop = self._file(f"{n:05d}-cut.png", scan(text)[:-40], "failed")
        elif kind == "link":
            (self.inbox / f"{n:05d}-link.png").symlink_to(self.outside)
            drop = Drop(f"{n:05d}-link.png", "failed")
        elif kind == "fifo":
            os.mkfifo(self.inbox / f"{n:05d}-fifo.png")
            drop = Drop(f"{n:05d}-fifo.png", "failed")
        elif kind == "folder":
            folder = self.staging / f"{n:05d}-ho-so"
            folder.mkdir()
            for page in (1, 2):
                (folder / f"trang-{page}.png").write_bytes(self._good(scan(f"{text} trang {page}")))
            (folder / "READY").write_text("")
            os.replace(folder, self.inbox / folder.name)
            drop = Drop(folder.name, "done")
        else:  # an empty folder
            (self.inbox / f"{n:05d}-trong").mkdir()
            drop = Drop(f"{n:05d}-trong", "left")
        self.drops.append(drop)
        return drop

    def _good(self, data: bytes) -> bytes:
        self.good.append(data)
        return data

    def _file(self, name: str, data: bytes, expect: str) -> Drop:
        staged = self.staging / name
        staged.write_bytes(data)
        os.replace(staged, self.inbox / name)  # whole at once, as a copy tool's final rename
        return Drop(name, expect)


# --- the daemon and its processes ------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def open_fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


@dataclass
class Sample:
    at: float
    daemon_rss_mb: float
    workers_rss_mb: float
    daemon_fds: int
    workers_fds: int
    settled: int  # batches done, failed or duplicate
    fault: str


@dataclass
class Fault:
    name: str
    started: float
    ended: float = 0.0
    drained_after: float | None = None  # seconds from its end until the backlog was back to its level before
    backlog_before: int = 0


@dataclass
class Office:
    folder: Path
    db_url: str | None
    tmpfs: bool
    data: Path = field(init=False)
    config: Path = field(init=False)
    proxy: TcpProxy | None = None

    def __post_init__(self) -> None:
        self.data = self.folder / "data"
        self.config = self.folder / "office.toml"

    def store_url(self) -> str:
        return self.db_url or f"sqlite:///{self.data / 'dossier.sqlite3'}"

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "pipeline", "--data-dir", str(self.data), "--config", str(self.config), *args]


def setup_office(work: Path, db_url: str | None) -> Office:
    office = Office(work / "office", db_url, tmpfs=False)
    office.data.mkdir(parents=True)
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m", "dossier-soak", str(office.data)],
                                 capture_output=True, check=False)
        office.tmpfs = mounted.returncode == 0
    store = ""
    if db_url:
        target = make_url(db_url)
        office.proxy = TcpProxy((target.host or "127.0.0.1", target.port or 5432))
        store = f'url = "{office.proxy.url(db_url)}"\n'
    office.config.write_text(
        f'[catalog]\npath = "{ROOT / "configs" / "catalog.toml"}"\n'
        f"[store]\n{store}connect_timeout_seconds = 3\nstatement_timeout_seconds = 5\n"
        f'[inbox]\npath = "{work / "inbox"}"\nquiet_seconds = 1.0\nfolder_quiet_seconds = 3.0\n'
        "incomplete_seconds = 10.0\nrescan_seconds = 5.0\n"
        "[queue]\nworkers = 2\nretry_base_seconds = 2.0\nlease_seconds = 600.0\nshutdown_seconds = 10.0\n",
        encoding="utf-8")
    subprocess.run(office.command("init"), check=True, capture_output=True, cwd=ROOT)
    models = office.data / "models"
    training.current_model(models, load_catalog(ROOT / "configs" / "catalog.toml"))  # trained before the clock
    return office


# --- faults ------------------------------------------------------------------------------


class Faults:
    def __init__(self, office: Office, daemon: subprocess.Popen, origin: float) -> None:
        self.office, self.daemon, self.origin = office, daemon, origin
        self.schedule = ["worker killed", "store away", "disk full"]
        if office.db_url:
            self.schedule.insert(2, "store stalled")
        self.done: list[Fault] = []
        self.active: Fault | None = None
        self._undo = None
        self._turn = 0

    def start(self, now: float, backlog: int) -> None:
        name = self.schedule[self._turn % len(self.schedule)]
        self._turn += 1
        if name == "disk full" and not self.office.tmpfs:
            name = "worker killed"  # no tmpfs here (not root): the kill instead
        self.active = Fault(name, now, backlog_before=backlog)
        if name == "worker killed":
            workers = [pid for pid in children(self.daemon.pid) if b"spawn_main" in _cmdline(pid)]
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
            self._undo = None
        elif name == "store away" and self.office.proxy:
            self.office.proxy.cut()
            self._undo = self.office.proxy.forward
        elif name == "store stalled":
            self.office.proxy.stall()
            self._undo = self.office.proxy.forward
        elif name == "store away":  # SQLite: another process holds the write lock
            holder = sqlite3.connect(self.office.data / "dossier.sqlite3", isolation_level=None, timeout=30)
            holder.execute("begin immediate")
            self._undo = lambda: (holder.rollback(), holder.close())
        else:  # disk full, to the last block
            filler = self.office.data / ".filler"
            fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
            for size in (1 << 20, 4096, 1):
                try:
                    while os.write(fd, b"\0" * size):
                        pass
                except OSError:
                    pass
            os.close(fd)
            self._undo = filler.unlink

    def end(self, now: float) -> None:
        if self._undo:
            self._undo()
        self.active.ended = now
        self.done.append(self.active)
        self.active = None


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# --- the run -------------------------------------------------------------------------------


def backlog(store: Store, inbox: Path) -> tuple[int, int]:
    """(batches queued or processing + entries waiting in the inbox, batches settled); (-1, -1) if unreadable."""
    try:
        with store.session() as session:
            counts = Counter(dict(session.execute(select(Batch.status, func.count()).group_by(Batch.status)).all()))
    except Exception:  # noqa: BLE001 - the store is away during a fault: no figure this time
        return -1, -1
    waiting = sum(1 for p in inbox.iterdir() if not (p.is_dir() and not any(p.iterdir()))) if inbox.exists() else 0
    return counts["queued"] + counts["processing"] + waiting, counts["done"] + counts["failed"] + counts["duplicate"]


def run(args: argparse.Namespace) -> str:
    work = Path(tempfile.mkdtemp(prefix="dossier-soak-"))
    office = setup_office(work, args.db)
    outside = work / "outside.txt"
    outside.write_text("a file outside the inbox: never to be read\n")
    stream = Stream(work / "inbox", work / "staging", outside)
    log_path = work / "daemon.log"
    with log_path.open("ab") as log:
        daemon = subprocess.Popen(office.command("watch"), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    store = Store(args.db or office.store_url())  # the bench reads the database directly, not through the proxy
    started = time.monotonic()
    faults = Faults(office, daemon, started)
    samples: list[Sample] = []
    end_at = started + args.minutes * 60
    next_drop = next_sample = started + 5
    next_fault = started + args.fault_every
    try:
        while time.monotonic() < end_at:
            now = time.monotonic()
            if now >= next_drop:
                stream.next()
                next_drop += 60 / args.per_minute
            if faults.active is None and now >= next_fault and now + FAULT_SECONDS < end_at:
                faults.start(now, backlog(store, stream.inbox)[0])
            elif faults.active is not None and now >= faults.active.started + FAULT_SECONDS:
                faults.end(now)
                next_fault = now + args.fault_every - FAULT_SECONDS
            if now >= next_sample:
                samples.append(sample(daemon.pid, store, stream.inbox, now - started, faults))
                next_sample += args.sample_seconds
            time.sleep(0.2)
            if daemon.poll() is not None:
                raise SystemExit(f"the daemon exited ({daemon.returncode}); see {log_path}")
        if faults.active is not None:
            faults.end(time.monotonic())
        stream_seconds = time.monotonic() - started
        drained = wait_drained(store, stream, faults, started, samples, daemon)
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
    verdict = account(store, stream)
    store.dispose()
    report = render(args, office, stream, samples, faults, verdict, stream_seconds, drained, log_path)
    if office.proxy:
        office.proxy.close()
    if office.tmpfs:
        subprocess.run(["umount", "-l", str(office.data)], capture_output=True, check=False)
    if verdict["lost"] or verdict["doubled"] or verdict["unexpected"]:
        print(f"kept for inspection: {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return report


def sample(pid: int, store: Store, inbox: Path, at: float, faults: Faults) -> Sample:
    workers = [p for p in children(pid) if b"spawn_main" in _cmdline(p)]
    pending, settled = backlog(store, inbox)
    for fault in faults.done:  # the first moment the backlog is back to its level before the fault
        if fault.drained_after is None and 0 <= pending <= max(fault.backlog_before, 1):
            fault.drained_after = max(0.0, time.monotonic() - fault.ended)
    return Sample(at, rss_kb(pid) / 1024, sum(rss_kb(w) for w in workers) / 1024, open_fds(pid),
                  sum(open_fds(w) for w in workers), settled, faults.active.name if faults.active else "")


def wait_drained(store, stream, faults, started, samples, daemon) -> float:
    """Seconds after the stream stopped until nothing was queued, processing or waiting (bounded)."""
    stopped = time.monotonic()
    while time.monotonic() - stopped < DRAIN_LIMIT_SECONDS:
        pending, _ = backlog(store, stream.inbox)
        if pending == 0:
            break
        time.sleep(2)
    samples.append(sample(daemon.pid, store, stream.inbox, time.monotonic() - started, faults))
    return time.monotonic() - stopped


def account(store: Store, stream: Stream) -> dict:
    """Every input: exactly one batch with the outcome its kind calls for."""
    with store.session() as session:
        rows = session.execute(select(Batch.source, Batch.status, Batch.reason)).all()
    by_source: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for source, status, reason in rows:
        by_source[source].append((status, reason))
    lost, doubled, unexpected, outcomes = [], [], [], Counter()
    for drop in stream.drops:
        batches = by_source.get(shown_name(drop.entry), [])
        if drop.expect == "left":
            ok = not batches and (stream.inbox / drop.entry).is_dir()
            outcomes["left alone"] += 1
            if not ok:
                unexpected.append(f"{drop.entry}: expected to be left alone")
            continue
        if not batches:
            lost.append(drop.entry)
        elif len(batches) > 1:
            doubled.append(drop.entry)
        else:
            status, reason = batches[0]
            outcomes[status] += 1
            if status != drop.expect or (status == "failed" and not reason):
                unexpected.append(f"{shown_name(drop.entry)}: {status} ({reason}), expected {drop.expect}")
    return {"lost": lost, "doubled": doubled, "unexpected": unexpected, "outcomes": outcomes}


def growth(values: list[float]) -> tuple[float, float]:
    """Median of the first third and of the last third of a series."""
    third = max(1, len(values) // 3)
    return statistics.median(values[:third]), statistics.median(values[-third:])


def render(args, office, stream, samples, faults, verdict, stream_seconds, drained, log_path) -> str:
    # Growth is read after the warm-up (workers load Tesseract and the model), without the sample after the drain.
    inner = [s for s in samples[:-1] if s.at >= WARMUP_SECONDS] or samples
    d_rss, w_rss = growth([s.daemon_rss_mb for s in inner]), growth([s.workers_rss_mb for s in inner])
    d_fds, w_fds = growth([s.daemon_fds for s in inner]), growth([s.workers_fds for s in inner])
    settled = samples[-1].settled if samples else 0
    log = log_path.read_text(encoding="utf-8", errors="replace")
    warnings = sum(1 for line in log.splitlines() if " WARNING " in line)
    lines = [
        "# Soak: the daemon under a stream of good and bad files, with faults",
        "",
        f"`.venv/bin/python bench/soak.py --minutes {args.minutes:g} --per-minute {args.per_minute:g} "
        f"--fault-every {args.fault_every:g}{' --db …' if args.db else ''}` on {os.cpu_count()} core(s), "
        f"{time.strftime('%Y-%m-%d %H:%M')}; store {'PostgreSQL (through a TCP proxy)' if args.db else 'SQLite'}, "
        f"data folder on {'a 512 MiB tmpfs' if office.tmpfs else 'the ordinary disk (no disk-full fault)'}.",
        "",
        f"- inputs dropped: {len(stream.drops)} in {stream_seconds / 60:.1f} min; batches settled: {settled}; "
        f"outcomes: {dict(verdict['outcomes'])}",
        f"- **lost: {len(verdict['lost'])}, doubled: {len(verdict['doubled'])}, "
        f"unexpected outcome: {len(verdict['unexpected'])}**",
        f"- throughput: {settled / (stream_seconds + drained) * 60:.1f} inputs settled per minute, faults included; "
        f"the queue drained {drained:.0f} s after the stream stopped",
        f"- log: {warnings} warning line(s) over the run",
        "",
        f"| after the first {WARMUP_SECONDS:g} s | first third (median) | last third (median) | growth |",
        "| --- | ---: | ---: | ---: |",
        f"| daemon RSS (MB) | {d_rss[0]:.1f} | {d_rss[1]:.1f} | {d_rss[1] - d_rss[0]:+.1f} |",
        f"| workers RSS, sum (MB) | {w_rss[0]:.1f} | {w_rss[1]:.1f} | {w_rss[1] - w_rss[0]:+.1f} |",
        f"| daemon open descriptors | {d_fds[0]:.0f} | {d_fds[1]:.0f} | {d_fds[1] - d_fds[0]:+.0f} |",
        f"| workers open descriptors, sum | {w_fds[0]:.0f} | {w_fds[1]:.0f} | {w_fds[1] - w_fds[0]:+.0f} |",
        "",
        "| fault (20 s each) | at (s) | back to the backlog before it, after its end |",
        "| --- | ---: | ---: |",
    ]
    for fault in faults.done:
        after = "not within the run" if fault.drained_after is None else f"{fault.drained_after:.0f} s"
        lines.append(f"| {fault.name} | {fault.started - faults.origin:.0f} | {after} |")
    lines += ["", f"Samples (every {args.sample_seconds:g} s): time, daemon RSS MB, workers RSS MB, daemon fds, "
              "workers fds, settled, fault", "", "```"]
    lines += [f"{s.at:6.0f} {s.daemon_rss_mb:7.1f} {s.workers_rss_mb:7.1f} {s.daemon_fds:4d} {s.workers_fds:4d} "
              f"{s.settled:5d} {s.fault}" for s in samples]
    lines.append("```")
    for title, items in (("Lost", verdict["lost"]), ("Doubled", verdict["doubled"]),
                         ("Unexpected outcomes", verdict["unexpected"])):
        if items:
            lines += ["", f"{title}:", *[f"- {shown_name(i)}" for i in items[:20]]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long inputs keep arriving (the issue: 30)")
    parser.add_argument("--per-minute", type=float, default=12.0, help="inputs dropped per minute")
    parser.add_argument("--fault-every", type=float, default=60.0, help="seconds between the starts of faults")
    parser.add_argument("--sample-seconds", type=float, default=10.0)
    parser.add_argument("--db", help="a PostgreSQL URL (an empty database): faults then cut and stall it")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    report = run(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
