"""Review: documents that need a human are listed; operators' corrections are validated, recorded,
searchable at once, and learned from by `dossier train`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import Classification, DocumentResult, ExtractedField, PageText
from pipeline.errors import ExitCode, NotFound, UsageError
from pipeline.operations import corrections as review
from pipeline.search import SearchQuery, search
from pipeline.stages import review as rules
from pipeline.stages import training
from pipeline.store.models import Event
from pipeline.store.repository import NewFile, Store

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
INVITATION = "ỦY BAN NHÂN DÂN PHƯỜNG 1\nSố: 12/GM-UBND\nGIẤY MỜI\nTrân trọng kính mời ông bà tới dự họp."
ID_CARD = "CĂN CƯỚC CÔNG DÂN\nSố / No.: 079190864632\nHọ và tên / Full name:\nĐOÀN THỊ LAN\n" \
          "Ngày sinh / Date of birth: 11/08/1990\nGiới tính / Sex: Nữ"


class TestReviewReasons:
    def test_an_uncertain_type_needs_review(self):
        assert rules.review_reasons(CATALOG, "other", 0.31, []) == ["type uncertain (confidence 0.31)"]

    def test_a_missing_required_field_needs_review(self):
        reasons = rules.review_reasons(CATALOG, "marriage_certificate", 0.9, [("full_name", {})])
        assert reasons == ["required field(s) missing: spouse_name"]

    def test_a_failed_validation_needs_review(self):
        reasons = rules.review_reasons(CATALOG, "application_letter", 0.9, [
            ("full_name", {}), ("id_number", {"validation": ["unknown province code 003"]})])
        assert reasons == ["id_number failed validation: unknown province code 003"]

    def test_a_value_a_weaker_reading_gave_is_to_be_checked(self):
        reasons = rules.review_reasons(CATALOG, "application_letter", 0.9, [
            ("full_name", {"check": "read only from the page without its dotted lines"}), ("id_number", {})])
        assert reasons == ["full_name to check: read only from the page without its dotted lines"]

    def test_a_type_an_operator_chose_is_final_even_other(self):
        assert rules.review_reasons(CATALOG, "other", 1.0, [], type_source="operator") == []


def file(store: Store, text: str, classification: Classification, fields: list[ExtractedField]) -> int:
    """File one document the way processing does (no OCR: the text is given)."""
    batch_id, _, _ = store.record_batch(source=f"scan_{abs(hash(text))}.png", kind="file", district="Q1",
                                        sha256=f"{abs(hash(text)):064d}"[:64],
                                        files=[NewFile("scan.png", "0" * 64, 1, "image/png")])
    reasons = rules.review_reasons(CATALOG, classification.doc_type, classification.confidence,
                                    [(f.name, f.details) for f in fields])
    page = PageText(0, 1, text, 90.0, "ocr")
    return store.file_documents(batch_id, [DocumentResult([page], classification, fields, reasons)], stage_ms={})[0]


class TestCorrections:
    def test_relabel_sets_the_type_reextracts_fields_records_an_event_and_leaves_review(self, store):
        doc_id = file(store, ID_CARD, Classification("other", 0.3, {"best_guess": "citizen_id_card"}), [])
        assert [r["document_id"] for r in review.documents_to_review(store)] == [doc_id]

        correction = review.relabel(store, CATALOG, doc_id, "citizen_id_card")
        assert (correction.before, correction.after, correction.review_reasons) == ("other", "citizen_id_card", [])
        document = store.document(doc_id)
        assert (document.doc_type, document.doc_type_source, document.needs_review) == \
            ("citizen_id_card", "operator", False)
        assert {f.name: f.value for f in document.fields}["id_number"] == "079190864632"
        assert review.documents_to_review(store) == []
        with store.session() as session:
            event = session.scalars(select(Event).where(Event.action == "relabel")).one()
        assert event.document_id == doc_id and "'other' → 'citizen_id_card'" in event.detail

    def test_a_corrected_value_is_normalised_and_found_by_search_at_once(self, store):
        doc_id = file(store, ID_CARD, Classification("citizen_id_card", 0.9, {}),
                      [ExtractedField("full_name", "ĐOÀN THỊ LAN", 0.9, 1)])
        assert "required field(s) missing: id_number, date_of_birth" in store.document(doc_id).review_reasons

        review.set_field(store, CATALOG, doc_id, "date_of_birth", "ngày 11 tháng 8 năm 1990")
        correction = review.set_field(store, CATALOG, doc_id, "id_number", "079 190 864632")
        assert correction.after == "079190864632" and correction.review_reasons == []
        hits = search(store, SearchQuery(fields={"id_number": "079190864632"})).hits
        assert [h.document_id for h in hits] == [doc_id]
        field = next(f for f in store.document(doc_id).fields if f.name == "id_number")
        assert (field.source, field.confidence) == ("operator", 1.0)

    def test_an_operator_value_that_contradicts_another_field_is_kept_with_a_warning(self, store):
        doc_id = file(store, ID_CARD, Classification("citizen_id_card", 0.9, {}),
                      [ExtractedField("full_name", "ĐOÀN THỊ LAN", 0.9, 1),
                       ExtractedField("date_of_birth", "1990-08-11", 0.9, 1)])
        correction = review.set_field(store, CATALOG, doc_id, "id_number", "079095864632")
        field = next(f for f in store.document(doc_id).fields if f.name == "id_number")
        assert "does not match the date of birth 1990-08-11" in field.details["warning"][0]
        assert correction.review_reasons == []

    @pytest.mark.parametrize("name, value", [("id_number", "12345"), ("date_of_birth", "31/02/1990"),
                                             ("birthday", "1990-01-01")])
    def test_a_value_that_is_not_one_is_refused_and_nothing_changes(self, store, name, value):
        doc_id = file(store, ID_CARD, Classification("citizen_id_card", 0.9, {}), [])
        with pytest.raises(UsageError):
            review.set_field(store, CATALOG, doc_id, name, value)
        assert store.document(doc_id).fields == []

    def test_unknown_documents_and_types_are_refused(self, store):
        with pytest.raises(NotFound):
            review.relabel(store, CATALOG, 999, "notice")
        doc_id = file(store, INVITATION, Classification("other", 0.4, {}), [])
        with pytest.raises(UsageError):
            review.relabel(store, CATALOG, doc_id, "invitation")

    def test_relabelled_documents_become_training_examples(self, store):
        doc_id = file(store, INVITATION, Classification("other", 0.4, {}), [])
        review.relabel(store, CATALOG, doc_id, "notice")
        examples = review.operator_examples(store)
        assert [(e.doc_type, e.group, e.weight) for e in examples] == [("notice", "operator", training.OPERATOR_WEIGHT)]
        assert "GIẤY MỜI" in examples[0].text


class TestCommands:
    def test_review_relabel_set_field_and_train_from_the_command_line(self, dossier, tmp_path):
        from tools import make_labelled_set as labelled
        from tools import scanlib

        invitation = labelled.build("other", 0, 1)  # a GIẤY MỜI: outside the catalog
        scan = tmp_path / "giay_moi.png"
        scanlib.save_png(labelled.degrade(invitation.pages[0].image, 3), scan, labelled.DPI)
        assert dossier("ingest", str(scan)).code == 0

        listed = dossier("review", "--json").json()
        assert len(listed) == 1 and listed[0]["doc_type"] == "other"
        doc_id = str(listed[0]["document_id"])
        assert "type uncertain" in dossier("review").out

        relabelled = dossier("relabel", doc_id, "--type", "notice")
        assert relabelled.code == 0 and "other → notice" in relabelled.out
        corrected = dossier("set-field", doc_id, "issue_date=12/03/2024", "--json")
        assert corrected.json()[0]["after"] == "2024-03-12"
        assert dossier("show", doc_id, "--json").json()["fields"]["issue_date"] == "2024-03-12"

        refused = dossier("set-field", doc_id, "id_number=12345")
        assert refused.code == ExitCode.USAGE and "12345" in refused.err and len(refused.err.splitlines()) == 1
        assert dossier("relabel", "999", "--type", "notice").code == ExitCode.NOT_FOUND
        assert dossier("relabel", doc_id, "--type", "nonsense").code == ExitCode.USAGE

        # Reprocessing files the batch's documents again: what operators set survives it, and the
        # document found again on the same page keeps its id (issue 15).
        reprocessed = dossier("reprocess", str(listed[0]["batch_id"]))
        assert reprocessed.code == 0, reprocessed.out + reprocessed.err
        [batch] = dossier("batches", "--json").json()
        [new_id] = batch["documents"]
        assert new_id == int(doc_id)
        again = dossier("show", str(new_id), "--json").json()
        assert again["doc_type"] == "notice" and again["fields"]["issue_date"] == "2024-03-12"

        trained = dossier("train", "--json")
        assert trained.code == 0, trained.err
        assert trained.json()["operator_examples"] == 1
        assert (dossier.data_dir / "models" / training.MODEL_FILE).exists()
