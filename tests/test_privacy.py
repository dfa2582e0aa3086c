"""Citizens' files are private: nothing under the data folder, and no export, is readable by other accounts.

The real `dossier` command runs under the usual umask 022 (what a login shell gives); it must not matter.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path

import pytest
from conftest import SAMPLES, Dossier

from pipeline.privacy import readable_by_others

SCAN = SAMPLES / "giay_chung_nhan_ket_hon_huynh_minh_viet_do_thi_ngan.pdf"  # a text layer: filed in a second
BIRTH = SAMPLES / "giay_khai_sinh_nguyen_duc_kien.pdf"


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)  # the subprocesses inherit it, as from a login shell
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_nothing_under_the_data_folder_nor_an_export_is_readable_by_others(usual_umask, tmp_path):
    dossier = Dossier(data_dir=tmp_path / "data")
    assert dossier("init").code == 0
    ingested = dossier("ingest", str(SCAN), "--json")
    assert ingested.code == 0, ingested.err
    [document_id] = ingested.json()["filed"][0]["documents"]
    exported = dossier("export", str(document_id), "--to", f"{tmp_path / 'exports'}/")  # made
    assert exported.code == 0, exported.err
    (tmp_path / "data" / "inbox" / "from_the_counter.pdf").write_bytes(BIRTH.read_bytes())
    watched = dossier("watch", "--once")  # the daemon and its worker processes
    assert watched.code == 0 and "1 filed" in watched.out, watched.err + watched.out
    assert dossier("verify").code == 0

    data = tmp_path / "data"
    assert readable_by_others(data) == []
    assert readable_by_others(tmp_path / "exports") == []
    assert mode(data) == 0o750 and mode(data / "dossier.sqlite3") == 0o640
    originals = [p for p in (data / "archive").rglob("*") if p.is_file() and p.parent.name != "tmp"]
    assert len(originals) == 2 and {mode(p) for p in originals} == {0o440}  # read-only, for the office group only
    assert mode(data / "verify.json") == 0o640
    assert {mode(p) for p in (data / "archive").rglob("*") if p.is_dir()} == {0o750}
    [copy] = (tmp_path / "exports").iterdir()
    assert mode(copy) == 0o640 and mode(tmp_path / "exports") == 0o750
    sidecars = [p for p in data.iterdir() if p.name.startswith("dossier.sqlite3-")]
    assert all(mode(p) == 0o640 for p in sidecars)


def test_init_repairs_an_existing_folder_and_says_what_it_changed(usual_umask, tmp_path):
    dossier = Dossier(data_dir=tmp_path / "data")
    assert dossier("init").code == 0
    assert dossier("ingest", str(SCAN)).code == 0
    data = tmp_path / "data"
    [original] = [p for p in (data / "archive").rglob("*") if p.is_file() and p.parent.name != "tmp"]
    # As an older dossier (or a careless copy) left it: everything readable by everyone.
    os.chmod(data, 0o755)
    os.chmod(data / "dossier.sqlite3", 0o644)
    os.chmod(original, 0o444)
    os.chmod(original.parent, 0o755)
    (data / "inbox" / "waiting.pdf").write_bytes(SCAN.read_bytes())
    os.chmod(data / "inbox" / "waiting.pdf", 0o644)
    assert readable_by_others(data)

    repaired = dossier("init")
    assert repaired.code == 0, repaired.err
    assert "made private" in repaired.out
    assert "dossier.sqlite3: 0644 → 0640" in repaired.out
    assert f"{original.relative_to(data)}: 0444 → 0440" in repaired.out
    assert readable_by_others(data) == []
    assert mode(data / "inbox" / "waiting.pdf") == 0o640

    again = dossier("init")  # nothing left to repair: nothing said
    assert again.code == 0 and "made private" not in again.out


def test_an_office_group_gets_the_data_folder_through_setgid_folders(usual_umask, tmp_path):
    mine = {g.gr_gid for g in grp.getgrall()} if os.geteuid() == 0 else set(os.getgroups())
    other = next((gid for gid in sorted(mine) if gid != os.getegid()), None)
    if other is None:
        pytest.skip("this account belongs to no second group to give the data folder to")
    group = grp.getgrgid(other).gr_name
    config = tmp_path / "office.toml"
    config.write_text(f'[privacy]\ngroup = "{group}"\n', encoding="utf-8")
    dossier = Dossier(data_dir=tmp_path / "data", config=config)
    init = dossier("init")
    assert init.code == 0, init.err
    assert dossier("ingest", str(SCAN)).code == 0
    data = tmp_path / "data"
    for path in [data, *data.rglob("*")]:
        assert os.lstat(path).st_gid == other, path
        if path.is_dir():
            assert os.lstat(path).st_mode & stat.S_ISGID, path
    assert mode(data / "inbox") == 0o2770  # the office's operators drop their scans there
    assert readable_by_others(data) == []

    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[privacy]\ngroup = "no-such-group-dossier"\n', encoding="utf-8")
    refused = Dossier(data_dir=tmp_path / "other", config=unknown)("init")
    assert refused.code == 4 and "no-such-group-dossier" in refused.err


def test_repair_never_follows_a_link_out_of_the_data_folder(tmp_path):
    from pipeline.privacy import repair

    outside = tmp_path / "outside.txt"
    outside.write_text("not dossier's")
    os.chmod(outside, 0o644)
    data = tmp_path / "data"
    (data / "archive").mkdir(parents=True)
    os.chmod(data, 0o755)
    os.chmod(data / "archive", 0o755)  # whatever the umask an earlier in-process command left
    (data / "archive" / "link").symlink_to(outside)
    (data / "elsewhere").symlink_to(tmp_path)
    before = mode(tmp_path)
    changes = repair(data)
    assert [c.path for c in changes] == [data, data / "archive"]
    assert mode(outside) == 0o644 and mode(tmp_path) == before  # untouched
    assert repair(data) == []  # repaired once: nothing left
