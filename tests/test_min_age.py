"""A birth date or an ID's birth year that makes the document's person younger on its issue date than
its type allows (the catalog's `min_age`; born after the document, on every type) is a misreading."""

from __future__ import annotations

import datetime as dt

import pytest

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.dates import years_between
from pipeline.domain import PageText
from pipeline.stages.extract import read_document
from tests.conftest import shipped_catalog_error

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")


def fields(text: str, type_id: str) -> tuple[dict[str, str], list[str]]:
    reading = read_document([PageText(0, 1, text, 90.0, "ocr", [])], CATALOG.get(type_id))
    return {f.name: f.value for f in reading.fields}, reading.unread


PERMIT = ("GIẤY PHÉP XÂY DỰNG\nSố: 1030/GPXD-UBND Thành phố Hồ Chí Minh, ngày 24 tháng 5 năm 2021\n"
          "1. Cấp cho: Ông PHẠM MINH ỔN\nSố CCCD: {id}\nĐịa chỉ: 460/9/11 Khánh Hội, Phường 10, Quận 4")


def test_an_id_whose_birth_year_makes_a_permit_holder_a_baby_is_left_unread():
    # 040221009050: born 2021 by its digits, the permit issued 2021; a construction permit's holder is 15 at least
    found, unread = fields(PERMIT.format(id="040221009050"), "construction_permit")
    assert "id_number" not in found and found["full_name"] == "PHẠM MINH ỔN"
    assert unread == ["id_number unreadable: read '040221009050' (born 2021 by its digits, younger than 15 "
                      "on the document's issue date 2021-05-24)"]
    found, unread = fields(PERMIT.format(id="079085100345"), "construction_permit")  # born 1985: kept
    assert found["id_number"] == "079085100345" and not unread


def test_no_one_is_born_after_a_document_about_them():
    text = ("TỜ KHAI ĐĂNG KÝ KHAI SINH\nHọ, chữ đệm, tên: NGUYỄN GIA HUY\nNgày, tháng, năm sinh: 05/07/2017\n"
            "Thành phố Hồ Chí Minh, ngày 14 tháng 02 năm 2013")
    found, unread = fields(text, "birth_registration_form")
    assert "date_of_birth" not in found and found["issue_date"] == "2013-02-14"
    assert unread == ["date_of_birth unreadable: read '05/07/2017' (born after the document's issue date "
                      "2013-02-14)"]
    newborn = text.replace("05/07/2017", "05/02/2013")  # born nine days before: a birth registration
    assert fields(newborn, "birth_registration_form")[0]["date_of_birth"] == "2013-02-05"


def test_a_birth_year_the_id_and_the_birth_date_both_carry_holds_against_the_issue_date():
    # Read twice in two places, the year holds: the issue date is the likelier misreading, nothing is dropped.
    text = ("GIẤY CHỨNG NHẬN KẾT HÔN\nHọ, chữ đệm, tên: LÊ THỊ HOA\nNgày, tháng, năm sinh: 03/04/2010\n"
            "Số định danh cá nhân: 079310123456\nThành phố Hồ Chí Minh, ngày 20 tháng 3 năm 2021")
    found, unread = fields(text, "marriage_certificate")
    assert found["date_of_birth"] == "2010-04-03" and found["id_number"] == "079310123456"
    assert found["issue_date"] == "2021-03-20" and not unread
    alone = text.replace("\nSố định danh cá nhân: 079310123456", "")  # 10 years old at her marriage: misread
    found, unread = fields(alone, "marriage_certificate")
    assert "date_of_birth" not in found
    assert unread == ["date_of_birth unreadable: read '03/04/2010' (younger than 18 on the document's issue date "
                      "2021-03-20)"]


def test_whole_years_between_two_days():
    assert years_between(dt.date(2000, 5, 1), dt.date(2018, 4, 30)) == 17
    assert years_between(dt.date(2000, 5, 1), dt.date(2018, 5, 1)) == 18
    assert years_between(dt.date(2017, 7, 5), dt.date(2013, 2, 14)) == -4


@pytest.mark.parametrize("value", ["-1", "121", "\"18\"", "17.5"])
def test_a_min_age_that_is_no_age_fails_naming_the_catalog(tmp_path, value):
    error = shipped_catalog_error(tmp_path, "min_age = 18", f"min_age = {value}")
    assert "min_age must be a whole number of years from 0 to 120" in error
