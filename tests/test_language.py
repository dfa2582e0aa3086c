"""dossier speaks Vietnamese by default and English on request: every command, both languages.

- the language: `[ui] language`, else LC_ALL / LC_MESSAGES / LANG (vi*, en*; C, POSIX, unset: Vietnamese);
- every command listed by `dossier --help`, run for real and with `--help`, in both languages: the
  documented exit code; Vietnamese output holds Vietnamese and none of the catalog's English messages,
  English output none of their Vietnamese translations;
- every message marked in the code has a Vietnamese translation, and the shipped .mo is the .po compiled;
- dates dd/mm/yyyy and times in the office's time zone in human output; ISO and UTC in `--json`;
- unknown filter values exit 2 with the closest valid ones; global options anywhere on the line.
"""

from __future__ import annotations

import ast
import gettext
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pipeline import i18n
from tests.conftest import ROOT, Dossier
from tests.fault_support import InProcess

LOCALE = ROOT / "pipeline" / "locale"
PO = LOCALE / "vi" / "LC_MESSAGES" / "dossier.po"
MO = PO.with_suffix(".mo")
POT = LOCALE / "dossier.pot"
VIETNAMESE_LETTERS = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]")
LANGS = {"vi": "vi_VN.UTF-8", "en": "en_US.UTF-8"}
SAMPLE = ROOT / "sample_scans" / "giay_khai_sinh_nguyen_duc_kien.pdf"


def _po() -> dict[str, str]:
    with PO.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


# --- the catalogs ------------------------------------------------------------------------------

# `_("...")` / `N_("...")` with one literal: also inside f-strings, where Babel's extractor does not look.
_MARKED = re.compile(r"""(?<![\w.])N?_\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')\s*\)""")


def code_messages() -> set[str]:
    """Every message the code marks for translation."""
    found = {message for _file, _line, message, _comments, _context in
             (entry[:5] for entry in extract_from_dir(str(ROOT / "pipeline"), keywords={"_": None, "N_": None,
                                                                                          "ngettext": (1, 2)}))
             if isinstance(message, str)}
    for path in (ROOT / "pipeline").rglob("*.py"):
        for match in _MARKED.finditer(path.read_text(encoding="utf-8")):
            found.add(ast.literal_eval(match.group(1)))
    return {m for m in found if m}


def test_every_marked_message_has_a_vietnamese_translation():
    translations = _po()
    untranslated = sorted(m for m in code_messages() if not translations.get(m, "").strip())
    assert not untranslated, ("messages without a Vietnamese translation (run `make messages`, translate them in "
                              f"{PO.relative_to(ROOT)}): {untranslated}")


def test_placeholders_survive_translation():
    """A translation that drops or misspells {name} would fail at runtime (KeyError) or lose a value."""
    field = re.compile(r"\{[^{}]*\}|%\(\w+\)\w|%\w")
    wrong = {m: s for m, s in _po().items() if sorted(field.findall(m)) != sorted(field.findall(s))}
    assert not wrong


def test_the_shipped_mo_is_the_po_compiled():
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    with MO.open("rb") as fh:
        shipped = gettext.GNUTranslations(fh)._catalog  # type: ignore[attr-defined]
    assert shipped == expected, "pipeline/locale/vi/LC_MESSAGES/dossier.mo is stale: run `make messages`"


def test_the_template_lists_every_message():
    with POT.open("rb") as fh:
        template = {m.id for m in read_po(fh) if m.id}
    assert code_messages() <= template, "run `make messages`"


@pytest.mark.parametrize(("environ", "language"), [
    ({"LANG": "vi_VN.UTF-8"}, "vi"), ({"LANG": "en_US.UTF-8"}, "en"), ({"LANG": "en_GB"}, "en"),
    ({"LANG": "C.UTF-8"}, "vi"), ({"LANG": "POSIX"}, "vi"), ({}, "vi"), ({"LANG": ""}, "vi"),
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "vi_VN.UTF-8"}, "vi"),
    ({"LANG": "vi_VN.UTF-8", "LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "vi_VN"}, "en"),
])
def test_the_language_follows_the_locale(environ, language):
    assert i18n.language_from_environment(environ) == language


def test_the_configuration_overrides_the_locale():
    assert i18n.choose_language("en", {"LANG": "vi_VN.UTF-8"}) == "en"
    assert i18n.choose_language("vi", {"LANG": "en_US.UTF-8"}) == "vi"
    assert i18n.choose_language("", {"LANG": "en_US.UTF-8"}) == "en"


# --- every command, both languages ---------------------------------------------------------------

# What each command is run with, and its documented exit code (README, "Exit codes"), against a store
# holding one filed document (1) of batch 1. A command `dossier --help` lists must have a case here.
CASES: dict[str, list[tuple[tuple[str, ...], int]]] = {
    "init": [((), 0)],
    "ingest": [(("no-such-file.pdf",), 2)],
    "show": [(("1",), 0), (("999",), 3)],
    "batches": [((), 0), (("--status", "FAILED"), 0), (("--status", "faild"), 2)],
    "types": [((), 0)],
    "search": [(("nguyen duc kien",), 0), (("--type", "birth_certifcate"), 2), (("--field", "gendr=Nam"), 2)],
    "export": [(("1", "--to", "{tmp}/exported/"), 0), (("1", "--to", "-"), 2),
               (("1", "--pages", "--to", "{tmp}/pages.pdf"), 0), (("--batch", "B1", "--to", "{tmp}/batch/"), 0),
               (("--batch", "B1", "--pages", "--to", "{tmp}/b.pdf"), 2)],
    "watch": [(("--once",), 0)],
    "reprocess": [(("--failed",), 0), ((), 2)],
    "stats": [((), 0)],
    "review": [((), 0), (("--type", "nosuch"), 2)],
    "relabel": [(("1", "--type", "BIRTH_CERTIFICATE"), 0), (("1", "--type", "brith"), 2)],
    "set-field": [(("1", "gender=Nam"), 0), (("999", "gender=Nam"), 3)],
    "train": [((), 0)],
    "report": [((), 0), (("--office", "nosuch"), 2)],
    "offices": [((), 0)],
    "procedures": [((), 0)],
    "page": [(("D1", "1", "--to", "{tmp}/page.png"), 0), (("1", "1", "--as-read", "--to", "{tmp}/read.png"), 0),
             (("1", "9", "--to", "{tmp}/nine.png"), 2), (("999", "1", "--to", "{tmp}/none.png"), 3)],
    "status": [((), 0)],
    "dismiss": [(("1", "--reason", "filed, not failed"), 2), (("999", "--reason", "gone"), 3), (("B1",), 2)],
    # Admin commands (exit 7 for another role): the tests run as root, an admin.
    "audit": [((), 0), (("--verify",), 0), (("--document", "1"), 0)],
    "verify": [((), 0)],
    "backup": [(("{tmp}/backup",), 0), (("{tmp}/backup",), 2)],
    # restores the backup the `backup` case wrote (`dossier --help` lists backup first), into a new data dir
    "restore": [(("{tmp}/backup", "--data-dir", "{tmp}/restored"), 0), (("{tmp}/backup",), 2),
                (("{tmp}/no-backup", "--data-dir", "{tmp}/restored-2"), 2)],
}


def listed_commands() -> list[str]:
    """The commands `dossier --help` lists (its "commands" block: two spaces, a name, its help)."""
    text = subprocess.run([sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, cwd=ROOT,
                          env={"LANG": "en_US.UTF-8", "PATH": "/usr/bin:/bin"}, check=True).stdout
    block = text.split("commands:", 1)[1]
    return [m.group(1) for m in re.finditer(r"^    ([a-z][a-z-]+)\s", block, re.MULTILINE)]


@pytest.fixture(scope="module")
def filed(tmp_path_factory) -> Path:
    """A data dir with one birth certificate filed (document 1, batch 1)."""
    data = tmp_path_factory.mktemp("language") / "data"
    runner = Dossier(data_dir=data)
    assert runner("init").code == 0
    result = runner("ingest", str(SAMPLE), "--json")
    assert result.code == 0, result.err
    assert result.json()["filed"][0]["documents"] == [1]
    return data


@pytest.fixture
def run(filed, tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    shutil.copytree(filed, data)

    def run(language: str, *args: str):
        monkeypatch.setenv("LANG", LANGS[language])
        return InProcess(data_dir=data, capsys=capsys)(*(a.replace("{tmp}", str(tmp_path)) for a in args))

    return run


def english_messages() -> list[str]:
    """The catalog's English messages that must not be seen untranslated: their literal parts that are long
    enough to be unambiguous (a placeholder splits a message; one-word labels are left out)."""
    parts = []
    for message, translation in _po().items():
        if message == translation:
            continue
        for part in re.split(r"\{[^{}]*\}|%\(\w+\)\w|%\w", message):
            part = part.strip(" :;,.()`'\"\n")
            if len(part) >= 12 and " " in part and not part.startswith("-"):
                parts.append(part)
    return parts


def vietnamese_messages() -> list[str]:
    parts = []
    for message, translation in _po().items():
        if message == translation:
            continue
        for part in re.split(r"\{[^{}]*\}|%\(\w+\)\w|%\w", translation):
            part = part.strip(" :;,.()`'\"\n")
            if len(part) >= 12 and " " in part and VIETNAMESE_LETTERS.search(part):
                parts.append(part)
    return parts


def test_every_listed_command_has_a_case():
    listed = listed_commands()
    assert len(listed) >= 15, listed
    missing = [c for c in listed if c not in CASES]
    assert not missing, f"commands without a case in test_language.CASES: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_command_in_both_languages(run, language):
    untranslated, translated = english_messages(), vietnamese_messages()
    for command in listed_commands():
        for args, code in [(("--help",), 0), *CASES.get(command, [])]:  # a missing case: the test above
            result = run(language, command, *args)
            line = f"dossier {command} {' '.join(args)} [{language}]"
            assert result.code == code, f"{line}: exit {result.code}\n{result.out}\n{result.err}"
            text = result.out + result.err
            assert text.strip(), f"{line}: said nothing"
            if language == "vi":
                assert VIETNAMESE_LETTERS.search(text), f"{line}: no Vietnamese\n{text}"
                left = [m for m in untranslated if m in text]
                assert not left, f"{line}: untranslated {left}\n{text}"
            else:
                leaked = [m for m in translated if m in text]
                assert not leaked, f"{line}: Vietnamese in English output {leaked}\n{text}"


def test_the_main_help_in_vietnamese_by_default(tmp_path):
    """A fresh install, no locale set: Vietnamese."""
    result = subprocess.run([sys.executable, "-m", "pipeline", "--data-dir", str(tmp_path), "--help"],
                            capture_output=True, text=True, cwd=ROOT, env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 0
    assert "cách dùng: dossier" in result.stdout and "tra cứu văn bản đã lưu" in result.stdout


def test_ui_language_in_the_configuration_wins_over_lang(run, tmp_path):
    config = tmp_path / "office.toml"
    config.write_text('[ui]\nlanguage = "en"\n', encoding="utf-8")
    result = run("vi", "search", "nobody-at-all", "--config", str(config))
    assert result.code == 0 and result.out.strip() == "no documents found"
    config.write_text('[ui]\nlanguage = "vi"\n', encoding="utf-8")
    assert run("en", "search", "nobody-at-all", "--config", str(config)).out.strip() == "không tìm thấy văn bản nào"
    config.write_text('[ui]\nlanguage = "fr"\n', encoding="utf-8")
    result = run("en", "search", "x", "--config", str(config))
    assert result.code == 4 and "ui.language" in result.err


# --- names, dates and times as the office reads them ---------------------------------------------------


def test_show_uses_the_catalogs_vietnamese_names_and_json_keeps_the_ids(run):
    text = run("vi", "show", "1").out
    assert "Giấy khai sinh / Trích lục khai sinh" in text and "Họ và tên" in text and "birth_certificate" not in text
    english = run("en", "show", "1").out
    assert "birth_certificate" in english and "full_name" in english
    data = run("vi", "show", "1", "--json")
    assert '"doc_type": "birth_certificate"' in data.out and '"full_name"' in data.out


def test_times_in_the_office_time_zone_and_dates_day_first(run, tmp_path):
    import json

    batch = json.loads(run("en", "batches", "--json").out)[0]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    updated = datetime.fromisoformat(batch["updated_at"])
    assert updated.utcoffset() is None or updated.utcoffset().total_seconds() == 0  # --json: UTC, ISO
    saigon = f"{updated.replace(tzinfo=ZoneInfo('UTC')).astimezone(ZoneInfo('Asia/Ho_Chi_Minh')):%d/%m/%Y %H:%M}"
    assert saigon in run("vi", "batches").out
    config = tmp_path / "paris.toml"
    config.write_text('[office]\ntimezone = "Europe/Paris"\n', encoding="utf-8")
    paris = f"{updated.replace(tzinfo=ZoneInfo('UTC')).astimezone(ZoneInfo('Europe/Paris')):%d/%m/%Y %H:%M}"
    assert paris in run("en", "batches", "--config", str(config)).out
    config.write_text('[office]\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    assert run("en", "batches", "--config", str(config)).code == 4


def test_date_options_take_day_first_and_iso(run):
    assert run("en", "report", "--since", "01/11/2026", "--until", "2026-11-30").code == 0
    result = run("vi", "report", "--since", "30/11/2026", "--until", "01/11/2026")
    assert result.code == 2 and "30/11/2026" in result.err and "01/11/2026" in result.err
    assert run("en", "search", "--since", "31/02/2020").code == 2


# --- filter values checked, global options anywhere ---------------------------------------------


@pytest.mark.parametrize(("args", "suggestion"), [
    (("search", "--type", "birth_certifcate"), "did you mean birth_certificate?"),
    (("search", "--type", "nosuch"), "unknown --type 'nosuch'"),
    (("search", "--field", "date_of_brith=12/03/1990"), "did you mean date_of_birth?"),
    (("search", "--district", "q111"), "did you mean Q11?"),
    (("batches", "--status", "faild"), "did you mean failed?"),
    (("review", "--type", "ccd"), "unknown --type 'ccd'"),
    (("report", "--by", "weak"), "did you mean week?"),
    (("ingest", str(SAMPLE), "--procedure", "birth_registraton"), "did you mean birth_registration?"),
])
def test_unknown_filter_values_exit_2_with_the_closest(run, args, suggestion):
    result = run("en", *args)
    assert result.code == 2, result.err
    assert suggestion in result.err


def test_filter_values_ignore_case_and_accents(run):
    assert "1 document(s)" in run("en", "search", "--type", "BIRTH_CERTIFICATE").out
    assert "1 document(s)" in run("en", "search", "kien", "--district", "q1").out
    assert run("en", "batches", "--status", "DONE").out.startswith("B1 ")


def test_global_options_anywhere_on_the_line(filed, tmp_path):
    """`dossier search lan --data-dir var` means `dossier --data-dir var search lan`."""
    data = tmp_path / "data"
    shutil.copytree(filed, data)
    env = {"LANG": "en_US.UTF-8", "PATH": "/usr/bin:/bin"}
    for line in (["search", "kien", "--data-dir", str(data)], [f"--data-dir={data}", "search", "kien"],
                 ["search", "--data-dir", str(data), "kien", "--debug"], ["search", "kien", f"--data-dir={data}"]):
        result = subprocess.run([sys.executable, "-m", "pipeline", *line], capture_output=True, text=True, cwd=ROOT,
                                env=env)
        assert result.returncode == 0, (line, result.stderr)
        assert "1 document(s)" in result.stdout, (line, result.stdout)


@pytest.mark.parametrize("words", [["-doan"], ["--", "-doan"], ["--", "--data-dir"]])
def test_queries_that_look_like_options(run, words):
    result = run("en", "search", *words)
    assert result.code == 0, result.err
    assert result.out.strip() == "no documents found"


def test_every_recorded_check_reads_in_vietnamese():
    """Each reason extraction records for a value to check (`domain.CHECKS`) has its Vietnamese message:
    a check added without one would reach operators in English."""
    from pipeline.catalog import load_catalog
    from pipeline.cli.render import Names
    from pipeline.config import PROJECT_CONFIGS
    from pipeline.domain import CHECKS

    names = Names(load_catalog(PROJECT_CONFIGS / "catalog.toml"))
    try:
        i18n.activate("vi")
        for why in CHECKS:
            shown = names.reason(f"full_name to check: {why}")
            assert shown.startswith("Họ và tên cần đối chiếu với bản quét: ") and why not in shown, why
    finally:
        i18n.activate("en")


def test_review_reasons_recorded_in_english_read_in_vietnamese():
    """Reasons are stored as the reader wrote them (English); the operator reads them in Vietnamese."""
    from pipeline.catalog import load_catalog
    from pipeline.cli.render import Names
    from pipeline.config import PROJECT_CONFIGS
    # the words extraction records, which render knows
    from pipeline.domain import CHECK_BLOCK_NAME, CHECK_DATE_IN_WORDS, CHECK_NAME, CHECK_ZONE_DATE_IN_IDS_YEAR

    names = Names(load_catalog(PROJECT_CONFIGS / "catalog.toml"))
    try:
        i18n.activate("vi")
        assert names.reason("required field(s) missing: id_number, date_of_birth") == \
            "thiếu trường bắt buộc: Số định danh cá nhân, Ngày sinh"
        assert names.reason("type uncertain (confidence 0.31)") == "chưa chắc loại văn bản (độ tin cậy 0.31)"
        assert names.reason("id_number failed validation: unknown province code 003").startswith(
            "Số định danh cá nhân không hợp lệ: ")
        assert names.value("date_of_birth", "1990-03-12") == "12/03/1990" and names.value("gender", "Nam") == "Nam"
        assert names.reason(f"full_name to check: {CHECK_NAME}") == \
            "Họ và tên cần đối chiếu với bản quét: chỉ đọc được từ trang đã xóa các dòng chấm"
        assert names.reason(f"full_name to check: {CHECK_BLOCK_NAME}") == \
            "Họ và tên cần đối chiếu với bản quét: chỉ đọc được khi đọc lại cả trang thành một khối dòng"
        assert names.reason(f"full_name to check: {_from_the_card_check()}") == (
            "Họ và tên cần đối chiếu với bản quét: không đọc được trên giấy tờ này; lấy từ bản sao căn cước "
            "trong hồ sơ (citizen_id_card #2)")
        # the reasons as reconciliation records them (render matches their words): the card's number
        # taken as the record, and, with no record to choose, neither number kept
        taken, withheld = (_differs_reason(records) for records in ([(), ("id_number",)], None))
        assert names.reason(taken) == ("Số định danh cá nhân khác nhau giữa các giấy tờ của hồ sơ: "
                                       "079080144198 (application_letter #1); 079080144193 (citizen_id_card #2)")
        assert names.reason(withheld) == (
            "Số định danh cá nhân khác nhau giữa các giấy tờ của hồ sơ, không giữ cách đọc nào: "
            "079080144198 (application_letter #1); 079080144193 (citizen_id_card #2)")
        assert names.reason("id_number unreadable: read 'g Le 1 6512 9136'") == \
            "Số định danh cá nhân không đọc được: read 'g Le 1 6512 9136'"
        assert names.reason(_anothers_values_reason()) == (
            "Số định danh cá nhân 052319458906 và Ngày sinh 09/08/2019 đọc được cho NGUYỄN VIẾT GIA TOÀN là của "
            "người khác: bản căn cước trong hồ sơ (citizen_id_card #2) ghi 079080144193, sinh ngày 30/11/1980")
        assert names.reason(f"date_of_birth to check: {CHECK_DATE_IN_WORDS}") == (
            "Ngày sinh cần đối chiếu với bản quét: chỉ đọc được từ ngày ghi bằng chữ; phần chữ số không đọc ra "
            "ngày nào")
        assert names.reason(f"date_of_birth to check: {CHECK_ZONE_DATE_IN_IDS_YEAR}") == (
            "Ngày sinh cần đối chiếu với bản quét: ngày và tháng chỉ đọc được ở vùng đọc máy (MRZ) của thẻ; năm lấy "
            "theo số định danh cá nhân")
        i18n.activate("en")
        assert names.reason("type uncertain (confidence 0.31)") == "type uncertain (confidence 0.31)"
        assert names.reason("id_number unreadable: nothing read") == "id_number unreadable: nothing read"
    finally:
        i18n.activate("en")


def _from_the_card_check() -> str:
    """Why a name reconciliation took from the dossier's identity card is to be checked, in its words."""
    from pipeline.domain import ExtractedField
    from pipeline.stages import reconcile

    card = ("citizen_id_card", [ExtractedField("full_name", "NGUYỄN VIẾT GIA TOÀN", 0.9, 1)])
    first, _ = reconcile.reconcile([("application_letter", []), card], applicants=[("full_name",), ()],
                                   identity_cards=[False, True])
    return first.fields[0].details["check"]


def _anothers_values_reason() -> str:
    """The reason reconciliation records for an application given another person's ID and birth date."""
    from pipeline.domain import ExtractedField
    from pipeline.stages import reconcile

    def document(type_id: str, id_number: str, born: str):
        return type_id, [ExtractedField("full_name", "NGUYỄN VIẾT GIA TOÀN", 0.9, 1),
                         ExtractedField("id_number", id_number, 0.9, 1), ExtractedField("date_of_birth", born, 0.9, 1)]

    first, _ = reconcile.reconcile([document("application_letter", "052319458906", "2019-08-09"),
                                    document("citizen_id_card", "079080144193", "1980-11-30")],
                                   applicants=[("full_name", "id_number", "date_of_birth"), ()],
                                   identity_cards=[False, True])
    [reason] = first.reasons
    return reason


def _differs_reason(records) -> str:
    from pipeline.domain import ExtractedField
    from pipeline.stages import reconcile

    def document(type_id: str, id_number: str):
        return type_id, [ExtractedField("full_name", "NGUYỄN VIẾT GIA TOÀN", 0.9, 1),
                         ExtractedField("id_number", id_number, 0.9, 1)]

    first, _ = reconcile.reconcile([document("application_letter", "079080144198"),
                                    document("citizen_id_card", "079080144193")], records=records)
    [reason] = first.reasons
    return reason


def test_command_options_before_the_command(run):
    result = run("en", "--json", "--office", "q1", "search", "kien")
    assert result.code == 0, result.err
    assert result.out.lstrip().startswith("{") and '"total": 1' in result.out


@pytest.mark.parametrize("typed", ["giay_khai_sinh", "Giấy khai sinh", "giấy khai sinh", "Birth certificate",
                                   "BIRTH-CERTIFICATE"])
def test_a_type_by_its_vietnamese_or_english_name(run, typed):
    assert "1 document(s)" in run("en", "search", "--type", typed).out


def test_a_misspelt_vietnamese_type_name_gets_the_id(run):
    result = run("vi", "search", "--type", "giay khai sin")
    assert result.code == 2 and "birth_certificate?" in result.err
