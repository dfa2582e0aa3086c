"""Inside a folder dossier, intake takes regular files only (issue 12; issue 13 covered a link to a file at
its top level): a link to a folder outside, a link deeper down and a FIFO each fail the dossier, naming the
entry, and nothing outside the given folder is ever copied into the archive."""

from __future__ import annotations

import os

from daemon_support import scan_bytes

from pipeline.errors import ExitCode


def test_links_to_folders_nested_links_and_fifos_inside_a_folder_dossier_are_refused(dossier, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"another citizen's record: never to be read")
    dossiers = {}
    for name in ("link-to-folder", "nested-link", "fifo"):
        folder = dossiers[name] = tmp_path / name
        folder.mkdir()
        (folder / "trang-1.png").write_bytes(scan_bytes(f"Trang một {name}"))
    (dossiers["link-to-folder"] / "sub").symlink_to(outside, target_is_directory=True)
    (dossiers["nested-link"] / "real").mkdir()
    (dossiers["nested-link"] / "real" / "deep.png").symlink_to(outside / "secret.png")
    os.mkfifo(dossiers["fifo"] / "pipe.png")

    result = dossier("ingest", *(str(f) for f in dossiers.values()), timeout=300)
    assert result.code == ExitCode.BATCH_FAILED and "Traceback" not in result.err, result.err
    rows = {row["source"]: row for row in dossier("batches", "--json").json()}
    assert {source: row["status"] for source, row in rows.items()} == {str(f): "failed" for f in dossiers.values()}
    assert "link-to-folder/sub: intake: a symbolic link" in rows[str(dossiers["link-to-folder"])]["reason"]
    assert "nested-link/real/deep.png: intake: a symbolic link" in rows[str(dossiers["nested-link"])]["reason"]
    assert "fifo/pipe.png: intake: a named pipe" in rows[str(dossiers["fifo"])]["reason"]
    archived = {p.read_bytes() for p in (dossier.data_dir / "archive").glob("??/??/*")}
    assert (outside / "secret.png").read_bytes() not in archived
