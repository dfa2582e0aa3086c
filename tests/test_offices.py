"""The city's offices and procedures are data: configs/offices.toml and configs/procedures.toml,
validated on load, with the office calendar and the procedure a dossier's own documents name."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.catalog import load_catalog
from pipeline.config import load_settings
from pipeline.errors import ConfigError, ExitCode, UsageError
from pipeline.offices import OfficeKind, load_offices
from pipeline.procedures import FROM_DOCUMENTS, FROM_FOLDER, load_procedures
from pipeline.stages.procedure import identify, recheck, settle

CONFIGS = ROOT / "configs"
CATALOG = load_catalog(CONFIGS / "catalog.toml")
OFFICES = load_offices(CONFIGS / "offices.toml")
PROCEDURES = load_procedures(CONFIGS / "procedures.toml", CATALOG)
SAIGON = dt.timezone(dt.timedelta(hours=7))


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SAIGON)


# --- offices ---------------------------------------------------------------------------------------


class TestOfficesFile:
    def test_the_shipped_list_holds_the_former_districts_and_the_new_wards_and_communes(self):
        assert {"Q1", "Q3", "BINH-THANH"} <= set(OFFICES.by_code)
        kinds = {o.kind for o in OFFICES}
        assert {OfficeKind.DISTRICT, OfficeKind.WARD, OfficeKind.COMMUNE} <= kinds
        assert all(o.legacy for o in OFFICES if o.kind is OfficeKind.DISTRICT)
        assert OFFICES.get("P-BEN-THANH").name == "Phường Bến Thành"
        assert all(unicodedata.is_normalized("NFC", o.name) for o in OFFICES)

    def test_an_unknown_office_code_is_a_usage_error_naming_the_file(self):
        with pytest.raises(UsageError) as caught:
            OFFICES.get("Q99")
        assert "Q99" in caught.value.one_line() and "offices.toml" in caught.value.one_line()

    @pytest.mark.parametrize("entry, message", [
        ('code = "Q1"\nname = "Quận 1"\nkind = "province"', "unknown kind"),
        ('code = "q 1"\nname = "Quận 1"\nkind = "district"', "capital letters"),
        ('code = "Q1"\nname = "Quận 1"\nkind = "district"\nclose = "17:00"', "unknown key(s) close"),
        ('code = "Q1"\nname = "Quận 1"\nkind = "district"\ncloses = "07:00"', "not after opens"),
        ('code = "Q1"\nkind = "district"', "lacks the key 'name'"),
    ])
    def test_mistakes_are_reported_with_the_file(self, tmp_path, entry, message):
        bad = tmp_path / "offices.toml"
        bad.write_text(f'[calendar]\nopens = "07:30"\ncloses = "17:00"\nworking_days = ["mon"]\n'
                       f'[[offices]]\n{entry}\n', encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_offices(bad)
        assert message in caught.value.one_line() and str(bad) in caught.value.one_line()

    def test_holidays_must_be_dates(self, tmp_path):
        bad = tmp_path / "offices.toml"
        bad.write_text('[calendar]\nopens = "07:30"\ncloses = "17:00"\nholidays = ["30/04"]\n'
                       '[[offices]]\ncode = "Q1"\nname = "Quận 1"\nkind = "district"\n', encoding="utf-8")
        with pytest.raises(ConfigError, match="list of dates"):
            load_offices(bad)


class TestSameWorkingDay:
    hours = OFFICES.hours_of("Q1")

    @pytest.mark.parametrize("arrived, deadline", [
        (local(2026, 12, 7, 10, 0), local(2026, 12, 7, 17, 0)),  # Monday morning: that evening
        (local(2026, 12, 7, 6, 45), local(2026, 12, 7, 17, 0)),  # before opening: the same day
        (local(2026, 12, 7, 17, 0), local(2026, 12, 8, 17, 0)),  # at closing time: the next day
        (local(2026, 12, 11, 18, 30), local(2026, 12, 14, 17, 0)),  # Friday evening: Monday
        (local(2026, 12, 12, 9, 0), local(2026, 12, 14, 17, 0)),  # Saturday: Monday
        (local(2026, 4, 29, 17, 30), local(2026, 5, 4, 17, 0)),  # before 30 April and 1 May: the Monday after
    ])
    def test_a_dossier_counts_as_same_day_until_the_close_of_its_working_day(self, arrived, deadline):
        assert self.hours.same_day_deadline(arrived.astimezone(dt.UTC)) == deadline.astimezone(dt.UTC)

    def test_an_office_may_keep_its_own_hours(self, tmp_path):
        own = tmp_path / "offices.toml"
        own.write_text('[calendar]\nopens = "07:30"\ncloses = "17:00"\nworking_days = ["mon", "tue", "wed", "thu", '
                       '"fri"]\nholidays = [2026-12-25]\n'
                       '[[offices]]\ncode = "P-X"\nname = "Phường X"\nkind = "ward"\n'
                       'working_days = ["mon", "tue", "wed", "thu", "fri", "sat"]\ncloses = "11:30"\n',
                       encoding="utf-8")
        hours = load_offices(own).hours_of("P-X")
        saturday = local(2026, 12, 12, 9, 0).astimezone(dt.UTC)
        assert hours.same_day_deadline(saturday) == local(2026, 12, 12, 11, 30).astimezone(dt.UTC)
        christmas_eve = local(2026, 12, 24, 12, 0).astimezone(dt.UTC)  # after its closing; the 25th a holiday
        assert hours.same_day_deadline(christmas_eve) == local(2026, 12, 26, 11, 30).astimezone(dt.UTC)


# --- procedures ------------------------------------------------------------------------------------

RECEIPT = ("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: 000.00.17.H29-241203-0007\n"
           "Nội dung yêu cầu giải quyết: Cấp thẻ bảo hiểm y tế cho\ntrẻ em dưới 6 tuổi")
FORM = "TỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: Ủy ban nhân dân Phường Bến Thành"


class TestProceduresFile:
    def test_every_procedure_requires_catalog_types_and_the_birth_registration_needs_the_filers_id(self):
        birth = PROCEDURES.get("birth_registration")
        assert birth.same_day and set(birth.requires) == {"birth_registration_form", "citizen_id_card"}
        assert all(t in CATALOG for p in PROCEDURES for t in p.requires)
        assert PROCEDURES.by_folder("khai-sinh") is birth
        assert "khai-sinh" in PROCEDURES.folders

    @pytest.mark.parametrize("entry, message", [
        ('id = "x"\nname_vi = "X"\nsame_day = true\nrequires = ["passport"]\nphrases = ["x"]', "unknown document type"),
        ('id = "x"\nname_vi = "X"\nsame_day = "yes"\nrequires = []\nphrases = ["x"]', "same_day must be"),
        ('id = "x"\nname_vi = "X"\nsame_day = true\nrequires = []\nphrases = []', "phrases"),
        ('id = "X"\nname_vi = "X"\nsame_day = true\nrequires = []\nphrases = ["x"]', "lower-case"),
    ])
    def test_mistakes_are_reported_with_the_file(self, tmp_path, entry, message):
        bad = tmp_path / "procedures.toml"
        bad.write_text(f"named_by = []\n[[procedures]]\n{entry}\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_procedures(bad, CATALOG)
        assert message in caught.value.one_line() and str(bad) in caught.value.one_line()


class TestNamingTheProcedure:
    def test_a_receipt_names_it_whatever_the_accents_case_and_line_breaks(self):
        found = identify([("application_letter", "ĐƠN ĐỀ NGHỊ"), ("dossier_receipt", RECEIPT)], PROCEDURES)
        assert found.id == "child_health_insurance"
        assert identify([("birth_registration_form", "to khai DANG KY\nkhai sinh")], PROCEDURES).id == \
            "birth_registration"

    def test_the_receipt_is_believed_before_an_application_and_other_types_are_not_read(self):
        assert identify([("birth_registration_form", FORM), ("dossier_receipt", RECEIPT)],
                        PROCEDURES).id == "child_health_insurance"
        assert identify([("birth_certificate", "GIẤY KHAI SINH ... đăng ký khai sinh")], PROCEDURES) is None

    def test_what_whoever_handed_it_in_said_wins_and_what_is_missing_is_listed(self):
        found = settle(PROCEDURES, "birth_registration", FROM_FOLDER, [("dossier_receipt", RECEIPT)])
        assert (found.procedure, found.source) == ("birth_registration", FROM_FOLDER)
        assert found.missing == ("birth_registration_form", "citizen_id_card")
        read = settle(PROCEDURES, "birth_registration", FROM_DOCUMENTS, [("birth_registration_form", FORM),
                                                                         ("citizen_id_card", "CĂN CƯỚC")])
        assert (read.procedure, read.missing) == ("birth_registration", ())  # read again, not taken as given
        assert settle(PROCEDURES, None, None, [("other", "GIẤY MỜI")]).procedure is None

    def test_relabelling_a_document_can_complete_a_dossier(self):
        incomplete = settle(PROCEDURES, None, None, [("birth_registration_form", FORM), ("other", "CĂN CƯỚC")])
        assert incomplete.missing == ("citizen_id_card",)
        assert recheck(PROCEDURES, incomplete, ["birth_registration_form", "citizen_id_card"]).missing == ()


# --- the office of a configuration ----------------------------------------------------------------


def test_office_files_naming_a_district_keep_working(tmp_path):
    old = tmp_path / "office.toml"
    old.write_text('[office]\ndistrict = "Q3"\n', encoding="utf-8")
    settings = load_settings(config=old, environ={})
    assert settings.office.code == settings.office.district == "Q3"
    both = tmp_path / "both.toml"
    both.write_text('[office]\ndistrict = "Q3"\ncode = "Q1"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="both district and code"):
        load_settings(config=both, environ={})


def test_an_office_the_city_does_not_list_is_refused_with_the_files_to_fix(dossier, tmp_path: Path):
    config = tmp_path / "typo.toml"
    config.write_text('[office]\ncode = "Q33"\n', encoding="utf-8")
    dossier.config = config
    result = dossier("batches")
    assert result.code == ExitCode.CONFIG
    assert "Q33" in result.err and str(config) in result.err and "offices.toml" in result.err
