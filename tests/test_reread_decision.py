"""Which documents the pipeline reads again from their lines (office.processing): those missing a
person's value their type carries, and identity cards whose values their zone did not confirm."""

from __future__ import annotations

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import ExtractedField
from pipeline.office.processing import _missing_citizen_values, _worth_reading_again
from pipeline.stages.extract import Reading

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
NAME = ExtractedField("full_name", "BÙI THÙY MỸ UYÊN", 0.9, 1, {})


def card(**sources: str) -> Reading:
    values = {"id_number": "079300720678", "date_of_birth": "2000-10-14"}
    return Reading([NAME] + [ExtractedField(name, values[name], 0.9, 1, {"from": source} if source else {})
                             for name, source in sources.items()])


def test_an_identity_card_whose_zone_confirmed_its_id_and_birth_date_is_not_read_again():
    assert not _worth_reading_again(card(id_number="mrz", date_of_birth="mrz"), CATALOG.get("citizen_id_card"))


def test_an_identity_card_whose_printed_birth_date_the_zone_did_not_confirm_is_read_again():
    assert _worth_reading_again(card(id_number="mrz", date_of_birth=""), CATALOG.get("citizen_id_card"))


def test_another_type_with_its_values_read_is_not_read_again_wherever_they_came_from():
    assert not _worth_reading_again(card(id_number="", date_of_birth=""), CATALOG.get("application_letter"))


def test_a_type_missing_a_value_it_carries_is_read_again():
    assert _worth_reading_again(card(id_number=""), CATALOG.get("application_letter"))


def test_a_page_is_read_without_its_dotted_lines_only_for_a_citizen_value_its_type_carries_and_lacks():
    assert _missing_citizen_values(Reading([NAME]), CATALOG.get("application_letter"))
    assert not _missing_citizen_values(card(id_number="", date_of_birth=""), CATALOG.get("application_letter"))
    # a type that carries none of the three is never read again for them
    carries_none = next(t for t in CATALOG.types if not {"full_name", "id_number", "date_of_birth"} & set(t.fields))
    assert not _missing_citizen_values(Reading([]), carries_none)
