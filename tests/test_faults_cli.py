"""Hostile and unlucky command lines: every one ends as one line on stderr and a documented exit code.

The real `dossier` command in a subprocess, on a store filed without OCR (the WARD of test_search).
No traceback is printed (only `--debug` shows one), nothing is half done, nothing waits for ever.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from daemon_support import scan_bytes
from fault_support import InProcess
from sqlalchemy import update
from test_search import WARD, file_papers

from pipeline.archive import originals
from pipeline.archive.originals import Archive
from pipeline.errors import ExitCode
from pipeline.store.models import BatchFile
from tests.conftest import ROOT, Dossier, indexed_store

HUGE = "99999999999999999999"  # 20 digits: past any 64-bit integer


@pytest.fixture
def filed(tmp_path, capsys) -> tuple[Dossier, dict[str, int]]:
    dossier = InProcess(tmp_path / "data", capsys=capsys)
    assert dossier("init").code == 0
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    ids = file_papers(store, WARD)
    store.dispose()
    return dossier, ids


def one_line(result, code: ExitCode) -> str:
    """The command exited with `code`, saying why in one line and no traceback; that line."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1, result.err
    return result.err.strip()


class TestArgumentsAreCheckedBeforeUse:
    def test_numbers_past_any_database_integer_are_usage_errors(self, filed):
        dossier, _ = filed
        for args in (["search", "an", "--limit", HUGE], ["search", "an", "--offset", HUGE], ["show", HUGE],
                     ["relabel", HUGE, "--type", "notice"], ["reprocess", HUGE], ["export", HUGE, "--to", "x"],
                     ["set-field", HUGE, "issue_date=12/03/2024"], ["review", "--limit", HUGE]):
            line = one_line(dossier(*args), ExitCode.USAGE)
            assert HUGE in line and "whole number" in line, args

    def test_a_value_that_is_not_utf8_is_a_usage_error_naming_the_option(self, filed):
        dossier, _ = filed
        line = one_line(dossier("search", "--field", "f\udcffx=1"), ExitCode.USAGE)  # bytes f 0xff x
        assert line.startswith("dossier: --field 'f\\xffx=1' is not valid UTF-8")
        one_line(dossier("search", "nguy\udcffn"), ExitCode.USAGE)

    def test_a_query_may_start_with_a_dash_typed_either_way(self, filed):
        dossier, _ = filed
        for args in (["search", "--", "-an"], ["search", "-an"], ["search", "-an", "--json"]):
            result = dossier(*args)
            assert result.code == 0 and "Traceback" not in result.err, (args, result.err)
        assert dossier("search", "-an", "--json").json()["total"] == dossier("search", "an", "--json").json()["total"]
        one_line(dossier("search", "an", "--limt", "3"), ExitCode.USAGE)  # a mistyped option stays an error

    def test_corrections_are_all_or_nothing(self, filed):
        dossier, ids = filed
        doc = str(ids["an_birth"])
        line = one_line(dossier("set-field", doc, "document_number=2191/CT-CS", "issue_date=99/99/2026"),
                        ExitCode.USAGE)
        assert "issue_date" in line and "nothing was changed" in line
        fields = dossier("show", doc, "--json").json()["fields"]
        assert "document_number" not in fields  # the valid first value was not saved either
        both = dossier("set-field", doc, "document_number=2191/CT-CS", "issue_date=12/03/2024", "--json")
        assert [c["changed"] for c in both.json()] == ["document_number", "issue_date"]
        fields = dossier("show", doc, "--json").json()["fields"]
        assert (fields["document_number"], fields["issue_date"]) == ("2191/CT-CS", "2024-03-12")


class TestExportDestinations:
    def test_destinations_that_cannot_be_written_are_one_line(self, filed, tmp_path):
        dossier, ids = filed
        archived = _give_an_original(dossier, ids["an_birth"], tmp_path)
        doc = str(ids["an_birth"])
        assert "/proc" in one_line(dossier("export", doc, "--to", "/proc"), ExitCode.SYSTEM)
        one_line(dossier("export", doc, "--to", "/proc/sys/kernel/new.pdf"), ExitCode.SYSTEM)
        with read_only_folder(tmp_path / "ro") as folder:
            assert "cannot write" in one_line(dossier("export", doc, "--to", str(folder)), ExitCode.SYSTEM)
            assert list(folder.iterdir()) == []
        assert "standard output" in one_line(dossier("export", doc, "--to", "-"), ExitCode.USAGE)
        assert not (ROOT / "-").exists()
        made = dossier("export", doc, "--to", str(tmp_path / "new") + "/")  # a trailing slash: a folder
        assert made.code == 0, made.err
        assert [p.read_bytes() for p in (tmp_path / "new").iterdir()] == [archived]


class TestTheBoundary:
    def test_a_closed_pipe_ends_quietly(self, filed):
        dossier, _ = filed
        for args in (["search", "an"], ["stats"], ["review", "--json"], ["batches"]):
            read, write = os.pipe()
            os.close(read)  # the reader is gone before the first line (`| head -0`)
            command = [sys.executable, "-m", "pipeline", "--data-dir", str(dossier.data_dir), *args]
            result = subprocess.run(command, stdout=write, stderr=subprocess.PIPE, text=True, cwd=ROOT, timeout=120,
                                    check=False)
            os.close(write)
            assert (result.returncode, result.stderr) == (ExitCode.PIPE_CLOSED, ""), args

    def test_database_urls_of_unknown_or_malformed_kinds_exit_5(self, filed):
        dossier, _ = filed
        for url in ("not a url", "mysql://dossier@localhost/dossier", "sqlite://",
                    "postgresql+psycopg2://dossier@localhost/dossier"):
            line = one_line(dossier("--db", url, "stats"), ExitCode.STORE)
            assert "sqlite:///PATH or postgresql://" in line, url

    def test_a_database_that_accepts_the_connection_and_never_answers_is_given_up_in_time(self, tmp_path, capsys):
        with silent_server() as port:
            config = tmp_path / "office.toml"
            config.write_text("[store]\nconnect_timeout_seconds = 2\nstatement_timeout_seconds = 2\n")
            dossier = InProcess(tmp_path / "data", db_url=f"postgresql://dossier@127.0.0.1:{port}/dossier",
                                config=config, capsys=capsys)
            started = time.monotonic()
            line = one_line(dossier("stats"), ExitCode.STORE)
        assert "store.connect_timeout_seconds (2 s)" in line
        assert time.monotonic() - started < 20

    def test_a_bug_is_one_line_with_exit_70_and_its_traceback_only_with_debug(self, monkeypatch, capsys, tmp_path):
        from pipeline import cli
        from pipeline.cli import files

        def broken(settings, args):
            raise KeyError("a bug")

        monkeypatch.setattr(files, "cmd_types", broken)
        assert cli.main(["--data-dir", str(tmp_path), "types"]) == ExitCode.INTERNAL
        err = capsys.readouterr().err
        assert err.startswith("dossier: internal error: KeyError") and "--debug" in err and "Traceback" not in err
        assert cli.main(["--data-dir", str(tmp_path), "--debug", "types"]) == ExitCode.INTERNAL
        assert "Traceback" in capsys.readouterr().err


class TestIngestTakesRegularFilesOnly:
    def test_fifos_devices_links_and_odd_names_end_at_once_each_as_one_batch(self, dossier, tmp_path):
        secret = tmp_path / "secret.txt"
        secret.write_text("not a citizen's scan: never to be read")
        fifo = tmp_path / "fifo.png"
        os.mkfifo(fifo)
        link = tmp_path / "link.png"
        link.symlink_to(secret)
        folder = tmp_path / "ho-so"
        folder.mkdir()
        (folder / "trang-1.png").write_bytes(scan_bytes("Trang một"))
        (folder / "trang-2.png").symlink_to(secret)
        odd = tmp_path / os.fsdecode(b"cccd_\xff\xfe.png")  # not UTF-8
        odd.write_bytes(scan_bytes("Giấy khai sinh Lê Thị Hà"))

        result = dossier("ingest", str(fifo), "/dev/zero", str(link), str(folder), str(odd), timeout=300)
        assert result.code == ExitCode.BATCH_FAILED and "Traceback" not in result.err, result.err
        failed = [line for line in result.err.splitlines() if "FAILED" in line]
        assert len(failed) == 4 and all("not a regular file: refused" in line for line in failed), failed
        rows = {row["source"]: row for row in dossier("batches", "--json").json()}
        assert {source: row["status"] for source, row in rows.items()} == {
            str(fifo): "failed", "/dev/zero": "failed", str(link): "failed", str(folder): "failed",
            str(tmp_path / "cccd_\\xff\\xfe.png"): "done"}
        assert "trang-2.png: intake: a symbolic link" in rows[str(folder)]["reason"]
        archive = dossier.data_dir / "archive"
        archived = {p.read_bytes() for p in archive.glob("??/??/*")}
        assert secret.read_bytes() not in archived and scan_bytes("Trang một") in archived  # nothing outside was read
        assert list((archive / "tmp").iterdir()) == []  # /dev/zero left nothing behind

    def test_a_file_over_the_size_limit_is_refused_while_copying(self, tmp_path, capsys):
        config = tmp_path / "office.toml"
        config.write_text("[limits]\nmax_file_mb = 0.001\n")  # about 1 kB
        dossier = InProcess(tmp_path / "data", config=config, capsys=capsys)
        assert dossier("init").code == 0
        big = tmp_path / "big.png"
        big.write_bytes(scan_bytes("Một tệp quá lớn") + b"\0" * 4096)
        result = dossier("ingest", str(big))
        assert result.code == ExitCode.BATCH_FAILED and "larger than limits.max_file_mb" in result.err
        assert [row["status"] for row in dossier("batches", "--json").json()] == ["failed"]
        assert not list((dossier.data_dir / "archive").glob("??/??/*"))

    def test_a_full_disk_while_archiving_is_one_line_and_nothing_is_recorded(self, tmp_path, capsys, monkeypatch):
        """The write hook for machines where no small file system can be mounted (tests of the real
        tmpfs are in test_faults_daemon.py): the archive's copy is written to /dev/full (ENOSPC)."""
        dossier = InProcess(tmp_path / "data", capsys=capsys)
        assert dossier("init").code == 0

        def full_disk_copy(dir, prefix):  # noqa: A002 - tempfile.mkstemp's own names
            return os.open("/dev/full", os.O_WRONLY), str(Path(dir) / f"{prefix}on-a-full-disk")

        monkeypatch.setattr(originals, "tempfile", SimpleNamespace(mkstemp=full_disk_copy))
        scan = tmp_path / "scan.png"
        scan.write_bytes(scan_bytes("Giấy khai sinh Lê Thị Hà"))
        result = dossier("ingest", str(scan))
        assert result.code == ExitCode.BATCH_FAILED and "Traceback" not in result.err
        assert "intake: no space left on the disk" in result.err
        monkeypatch.undo()
        assert dossier("batches", "--json").json() == []  # not recorded: it can be ingested again later


# --- helpers -----------------------------------------------------------------------------


def _give_an_original(dossier: Dossier, document_id: int, folder) -> bytes:
    """Archive an original for a document filed without one (file_papers records only a made-up hash)."""
    data = f"the original of document {document_id}".encode()
    source = folder / "original.pdf"
    source.write_bytes(data)
    archived = Archive(dossier.data_dir / "archive").put(source)
    store = indexed_store(f"sqlite:///{dossier.data_dir / 'dossier.sqlite3'}")
    batch_id = store.document(document_id).batch_id
    with store.session() as session:
        session.execute(update(BatchFile).where(BatchFile.batch_id == batch_id).values(sha256=archived.sha256))
    store.dispose()
    return data


class read_only_folder:
    """A folder nobody may write to: a read-only tmpfs as root (root ignores modes), mode 0555 otherwise."""

    def __init__(self, path) -> None:
        self.path = path
        self.mounted = False

    def __enter__(self):
        self.path.mkdir()
        if os.geteuid() == 0:
            mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "dossier-ro", str(self.path)],
                                     capture_output=True, check=False)
            if mounted.returncode != 0:
                pytest.skip("root cannot mount a read-only tmpfs here, and root writes into a 0555 folder")
            self.mounted = True
        else:
            self.path.chmod(0o555)
        return self.path

    def __exit__(self, *exc) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], capture_output=True, check=False)
        else:
            self.path.chmod(0o755)


class silent_server:
    """A TCP server on 127.0.0.1 that accepts every connection and never says a word."""

    def __enter__(self) -> int:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.held: list[socket.socket] = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()
        return self.listener.getsockname()[1]

    def _accept(self) -> None:
        while not self.closed:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def __exit__(self, *exc) -> None:
        self.closed = True
        self.listener.close()
        for connection in self.held:
            connection.close()
