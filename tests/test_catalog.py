"""The citywide catalog: data in configs/, validated on load, extendable by a district without a release."""

from __future__ import annotations

import pytest

from pipeline.catalog import OTHER, load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.errors import ConfigError, ExitCode
from pipeline.stages.classify import classify

SHIPPED = DEFAULT_CONFIG.parent / "catalog.toml"
REQUIRED_IDS = {
    "birth_certificate", "birth_registration_form", "marriage_certificate", "marital_status_certificate",
    "death_certificate", "citizen_id_card", "residence_confirmation", "land_use_certificate",
    "construction_permit", "business_registration", "power_of_attorney", "application_letter", "dossier_receipt",
    "decision", "official_letter", "notice", "report", "submission", "directive", "plan", "minutes", "other",
}

NEW_TYPE = '''
[[types]]
id = "invitation"
name_vi = "Giấy mời"
name_en = "Invitation"
group = "administrative"
titles = ["GIẤY MỜI"]
keywords = ["trân trọng kính mời", "thời gian", "địa điểm"]
fields = ["document_number", "issue_date"]
required = []
'''


class TestShippedCatalog:
    def test_has_every_type_the_city_requires(self):
        assert set(load_catalog(SHIPPED).ids) == REQUIRED_IDS

    def test_every_type_names_known_fields_and_requires_only_its_own(self):
        catalog = load_catalog(SHIPPED)
        for doc_type in catalog.types:
            assert set(doc_type.fields) <= set(catalog.fields), doc_type.id
            assert set(doc_type.required) <= set(doc_type.fields), doc_type.id
            assert doc_type.name_vi and doc_type.name_en and doc_type.group

    def test_every_type_but_other_can_be_recognised_by_rules(self):
        for doc_type in load_catalog(SHIPPED).types:
            if doc_type.id != OTHER:
                assert doc_type.titles or doc_type.head_keywords, doc_type.id
                assert doc_type.keywords, doc_type.id

    def test_second_persons_are_carried_by_the_types_that_have_them(self):
        catalog = load_catalog(SHIPPED)
        assert "spouse_name" in catalog.get("marriage_certificate").required
        assert "agent_name" in catalog.get("power_of_attorney").required

    def test_the_bilingual_id_card_is_read_with_english_too(self):
        assert load_catalog(SHIPPED).get("citizen_id_card").languages == "vie+eng"


class TestDistrictEdits:
    def test_a_new_type_is_listed_and_recognised_without_a_release(self, tmp_path, dossier):
        catalog_file = tmp_path / "catalog.toml"
        catalog_file.write_text(SHIPPED.read_text(encoding="utf-8").replace(
            "titles = [\"NGHỊ ĐỊNH\", \"THÔNG TƯ\", \"NGHỊ QUYẾT\", \"LUẬT\", \"PHÁP LỆNH\", \"CÔNG ĐIỆN\", \"GIẤY MỜI\", ",
            "titles = [\"NGHỊ ĐỊNH\", \"THÔNG TƯ\", \"NGHỊ QUYẾT\", \"LUẬT\", \"PHÁP LỆNH\", \"CÔNG ĐIỆN\", ")
            + NEW_TYPE, encoding="utf-8")
        config = tmp_path / "office.toml"
        config.write_text(f'[catalog]\npath = "{catalog_file}"\n', encoding="utf-8")
        dossier.config = config

        listed = dossier("types", "--json")
        assert listed.code == 0, listed.err
        assert "invitation" in {t["id"] for t in listed.json()}
        text = "ỦY BAN NHÂN DÂN PHƯỜNG 5\nGIẤY MỜI\nỦy ban nhân dân phường trân trọng kính mời ông bà tới dự.\n" \
               "Thời gian: 8 giờ. Địa điểm: hội trường."
        result = classify(text, load_catalog(catalog_file), min_confidence=0.5)
        assert result.doc_type == "invitation"

    @pytest.mark.parametrize("change, reason", [
        (("fields = [\"full_name\", \"date_of_birth\", \"gender\", \"id_number\", \"document_number\", \"issue_date\", "
          "\"father_name\", \"mother_name\", \"agent_name\"]",
          "fields = [\"full_name\", \"birthday\"]"), "unknown field(s) birthday"),
        (("keywords = [\"nơi sinh\"", "keyword = [\"nơi sinh\""), "unknown key(s) keyword"),
        (("id = \"other\"", "id = \"otherwise\""), "no 'other' type"),
        (("record_of = [\"id_number\", \"date_of_birth\"]", "record_of = [\"id_number\", \"spouse_name\"]"),
         "record_of field(s) not in fields: spouse_name"),
    ])
    def test_a_broken_catalog_fails_with_a_one_line_reason_naming_the_file(self, tmp_path, dossier, change, reason):
        catalog_file = tmp_path / "catalog.toml"
        catalog_file.write_text(SHIPPED.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_catalog(catalog_file)
        assert reason in error.value.one_line() and str(catalog_file) in error.value.one_line()

        config = tmp_path / "office.toml"
        config.write_text(f'[catalog]\npath = "{catalog_file}"\n', encoding="utf-8")
        dossier.config = config
        result = dossier("types")
        assert result.code == ExitCode.CONFIG
        assert reason in result.err and len(result.err.strip().splitlines()) == 1


def test_dossier_types_lists_the_catalog(dossier):
    result = dossier("types")
    assert result.code == 0
    for type_id in REQUIRED_IDS:
        assert type_id in result.out
    assert "Giấy khai sinh" in result.out

