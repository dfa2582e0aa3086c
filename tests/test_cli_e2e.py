"""The walking skeleton end to end: the real `dossier` command on the committed sample scans.

Real Tesseract, real pdftoppm, real SQLite. The samples are ingested once per
test session; every test below reads that one store.
"""

from __future__ import annotations

import shutil

import pytest

from pipeline.textnorm import fold
from tests.conftest import SAMPLES, Dossier, expected_samples

SEARCH_KEYS = {"document_id", "batch_id", "source", "doc_type", "doc_type_confidence", "fields", "pages",
               "snippet", "score"}
BATCH_KEYS = {"batch_id", "source", "status", "stage", "reason", "attempts", "documents", "created_at",
              "updated_at"}


def sample_paths() -> list[str]:
    return [str(SAMPLES / d["source"]) for d in expected_samples()["dossiers"]]


@pytest.fixture(scope="session")
def filed(tmp_path_factory) -> tuple[Dossier, object]:
    runner = Dossier(data_dir=tmp_path_factory.mktemp("e2e") / "data")
    assert runner("init").code == 0
    result = runner("ingest", *sample_paths())
    return runner, result


class TestIngestingTheSampleScans:
    def test_every_sample_dossier_is_filed(self, filed):
        dossier, result = filed
        assert result.code == 0, result.err
        assert f"{len(sample_paths())} batch(es) filed" in result.out
        batches = dossier("batches", "--json").json()
        assert sorted(b["source"] for b in batches) == sorted(sample_paths())
        assert {b["status"] for b in batches} == {"done"}

    def test_batches_json_has_the_contract_shape(self, filed):
        dossier, _ = filed
        for batch in dossier("batches", "--json").json():
            assert BATCH_KEYS <= batch.keys()
            assert batch["documents"], batch

    def test_a_folder_is_one_dossier(self, filed):
        dossier, _ = filed
        [folder] = [b for b in dossier("batches", "--json").json() if b["source"].endswith("nguyen_cong_dat")]
        shown = dossier("show", str(folder["documents"][0]), "--json").json()
        assert sum(dossier("show", str(d), "--json").json()["pages"] for d in folder["documents"]) == 2
        assert shown["source"] == folder["source"]

    def test_ingesting_again_records_duplicates_and_succeeds(self, filed):
        dossier, _ = filed
        again = dossier("ingest", sample_paths()[0])
        assert again.code == 0, again.err
        assert "1 duplicate(s)" in again.out
        assert "duplicate" in {b["status"] for b in dossier("batches", "--json").json()}


class TestFindingACitizen:
    def test_a_name_typed_without_diacritics_finds_the_citizens_documents(self, filed):
        dossier, _ = filed
        found = dossier("search", "doan thi lan", "--json").json()
        sources = {r["source"] for r in found["results"]}
        assert str(SAMPLES / "ho_so_cap_the_bhyt_tre_em_doan_thi_lan.pdf") in sources
        for result in found["results"]:
            assert SEARCH_KEYS <= result.keys()

    def test_every_sample_is_found_by_its_personal_id_number(self, filed):
        dossier, _ = filed
        for dossier_spec in expected_samples()["dossiers"]:
            for document in dossier_spec["documents"]:
                id_number = document["fields"].get("id_number")
                if not id_number:
                    continue
                found = dossier("search", id_number, "--json").json()
                assert str(SAMPLES / dossier_spec["source"]) in {r["source"] for r in found["results"]}, id_number

    def test_search_without_diacritics_matches_the_folded_name(self, filed):
        dossier, _ = filed
        found = dossier("search", fold("ĐẶNG ĐĂNG LỘC"), "--json").json()
        assert str(SAMPLES / "can_cuoc_cong_dan_dang_dang_loc.png") in {r["source"] for r in found["results"]}

    def test_show_json_adds_page_texts_and_field_details(self, filed):
        dossier, _ = filed
        [hit, *_] = dossier("search", "doan thi lan", "--json").json()["results"]
        shown = dossier("show", str(hit["document_id"]), "--json").json()
        assert SEARCH_KEYS | {"page_texts", "field_details"} <= shown.keys()
        assert len(shown["page_texts"]) == shown["pages"]
        for detail in shown["field_details"]:
            assert {"name", "value", "confidence", "page"} <= detail.keys()

    def test_unknown_document_exits_3(self, filed):
        dossier, _ = filed
        result = dossier("show", "999999")
        assert result.code == 3
        assert "999999" in result.err


class TestBadInput:
    def test_a_bad_file_fails_alone_with_a_reason_and_exit_1(self, dossier, tmp_path):
        corrupt = tmp_path / "hồ sơ hỏng.pdf"
        corrupt.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
        empty = tmp_path / "empty.png"
        empty.write_bytes(b"")
        good = tmp_path / "good.png"
        shutil.copy(SAMPLES / "don_de_nghi_xac_nhan_so_cmnd_le_ngoc_linh.png", good)
        result = dossier("ingest", str(corrupt), str(empty), str(good))
        assert result.code == 1
        failure_lines = [line for line in result.err.splitlines() if "FAILED" in line]
        assert len(failure_lines) == 2
        assert any(str(corrupt) in line and "rasterize" in line for line in failure_lines)
        assert any(str(empty) in line and "empty" in line for line in failure_lines)
        statuses = {b["source"]: b["status"] for b in dossier("batches", "--json").json()}
        assert statuses == {str(corrupt): "failed", str(empty): "failed", str(good): "done"}

    def test_the_failed_original_stays_in_the_archive(self, dossier, tmp_path):
        corrupt = tmp_path / "broken.jpg"
        corrupt.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 50)
        assert dossier("ingest", str(corrupt)).code == 1
        archive = dossier.data_dir / "archive"
        archived = [p for p in archive.rglob("*") if p.is_file() and p.relative_to(archive).parts[0] != "tmp"]
        assert [p.read_bytes() for p in archived] == [corrupt.read_bytes()]

    def test_usage_errors_exit_2(self, dossier, tmp_path):
        assert dossier("ingest", str(tmp_path / "missing.pdf")).code == 2
        assert dossier("search", "--limit", "0").code == 2
        assert dossier("frobnicate").code == 2

    def test_a_store_that_was_never_initialised_says_what_to_do(self, tmp_path):
        result = Dossier(data_dir=tmp_path / "fresh")("batches")
        assert result.code == 5
        assert "dossier init" in result.err


class TestTheSamplesAreReadAsPrinted:
    """Against sample_scans/EXPECTED.json, the ground truth the samples were generated from."""

    def filed_documents(self, dossier) -> dict[str, list[dict]]:
        batches = {b["source"]: b for b in dossier("batches", "--status", "done", "--json").json()}
        return {spec["source"]: [dossier("show", str(i), "--json").json()
                                 for i in batches[str(SAMPLES / spec["source"])]["documents"]]
                for spec in expected_samples()["dossiers"]}

    def test_every_dossier_is_split_and_typed_as_printed(self, filed):
        dossier, _ = filed
        filed_documents = self.filed_documents(dossier)
        for spec in expected_samples()["dossiers"]:
            assert [d["doc_type"] for d in filed_documents[spec["source"]]] == \
                [d["type"] for d in spec["documents"]], spec["source"]

    def test_id_numbers_and_birth_dates_are_exact_and_names_nearly_all(self, filed):
        dossier, _ = filed
        filed_documents, names, wrong_names = self.filed_documents(dossier), 0, []
        for spec in expected_samples()["dossiers"]:
            for expected, got in zip(spec["documents"], filed_documents[spec["source"]]):
                for name in ("id_number", "date_of_birth"):
                    if name in expected["fields"]:
                        assert got["fields"].get(name) == expected["fields"][name], (spec["source"], name)
                if "full_name" in expected["fields"]:
                    names += 1
                    if got["fields"].get("full_name") != expected["fields"]["full_name"]:
                        wrong_names.append((spec["source"], got["fields"].get("full_name")))
        # The 200 dpi ID card copy inside the BHYT dossier reads ĐOÀN as DOÃN in vie+eng (small print);
        # its vie reading's marks (and the dossier's other documents) file it as ĐOÀN. One name of slack.
        assert names >= 12 and len(wrong_names) <= 1, wrong_names
