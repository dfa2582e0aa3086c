"""Each failure class of issue 10 on a page rendered with PIL and read by the real Tesseract.

The pages print what official forms print: fill-in lines of dots, values typed over them, labels in
their variants, several persons with their roles, a value on the line below its label.
"""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG, OcrSettings
from pipeline.domain import CHECK_DATE_IN_WORDS, ExtractedField, PageSource
from pipeline.stages import reconcile
from pipeline.stages.engines.tesseract import make_engine
from pipeline.stages.extract import read_document
from pipeline.stages.extract.layout import has_leader
from pipeline.stages.read import read_page
from pipeline.textnorm import fold

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"

PAGES = {
    "leaders": [  # class 1: leaders after and inside values
        "ĐƠN ĐỀ NGHỊ",
        "Họ và tên: ........NGÔ VĂN LỘC..........-",
        "Sinh ngày: .....05/03/1990............ Giới tính: ....Nam.......",
        "Số CMND/CCCD: ....079 090 864 632..................",
    ],
    "roles": [  # class 3: several persons, each with its role
        "GIẤY ỦY QUYỀN",
        "I. BÊN ỦY QUYỀN:",
        "Họ, chữ đệm, tên: TRẦN THÀNH ẤN",
        "Ngày, tháng, năm sinh: 12/08/1975",
        "II. BÊN ĐƯỢC ỦY QUYỀN:",
        "Họ, chữ đệm, tên: LÊ THỊ HOA",
        "Ngày, tháng, năm sinh: 01/02/1980",
    ],
    "birth": [  # class 3: the child, not the parents
        "TRÍCH LỤC KHAI SINH",
        "Họ, chữ đệm, tên: NGUYỄN HỮU HỶ",
        "Ngày, tháng, năm sinh: ngày 05 tháng 3 năm 2019",
        "Họ, chữ đệm, tên người mẹ: VŨ THỊ ỔN",
        "Họ, chữ đệm, tên người cha: NGUYỄN VĂN TÂM",
    ],
    "land": [  # class 4: a land-use certificate names its holder after an honorific label
        "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT",
        "I. Người sử dụng đất, chủ sở hữu nhà ở",
        "Bà: NGUYỄN KIM NHƯ",
        "Năm sinh: 1991   Số định danh cá nhân: 079 191 875 976",
    ],
    "below": [  # class 6 and 7: the value on the line below, other label spellings
        "TỜ KHAI",
        "Họ và tên (viết chữ in hoa): PHẠM YẾN THƯ",
        "Ngày, tháng, năm sinh:",
        "22/11/1956",
        "Số định danh cá nhân/CMND: 082 156 344 161",
    ],
    "card_back": [  # an ID card copy whose printed number is lost: the machine-readable zone has it
        "CĂN CƯỚC CÔNG DÂN",
        "Họ và tên / Full name: BÙI THÙY MỸ UYÊN",
        "IDVNM3007206788079300720678<<9",
        "0010144F3010144VNM<<<<<<<<<<<3",
        "BUI<<THUY<MY<UYEN<<<<<<<<<<<<<",
    ],
    "ambiguous_date": [  # class 6: a handwritten 7 read as Z; the ID's year digits say which it is
        "ĐƠN ĐỀ NGHỊ",
        "Họ và tên: NGUYỄN LỆ LAN",
        "Sinh ngày: 20,02.19Z5",
        "Số định danh cá nhân: 089175647933",
    ],
    "in_words": [  # class 6: a handwritten 7 read as a 2; the date in words says July
        "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Họ, chữ đệm, tên: LÊ THANH HẢI PHÚC",
        "Ngày, tháng, năm sinh: 10/0Z/2010 ghi bằng chữ: mồng mười, tháng bảy,",
        "năm hai nghìn không trăm mười",
    ],
    "words_below": [  # class 6: the handwritten digits lost; their words on the line below read whole
        "TRÍCH LỤC KHAI SINH",
        "Họ, chữ đệm và tên: NGUYỄN THỊ TỐ",
        "Ngày, tháng, năm sinh: ......)3. 12.29..............",
        "Ghi bằng chữ: Ngày mồng ba tháng mười hai năm hai nghìn không trăm linh chín..........",
        "Giới tính: Nữ",
    ],
    "garbled_label": [  # class 6: the birth-date label's middle misread; "năm sinh" inside it
        "QUYẾT ĐỊNH",
        "Họ và tên: LÊ VĂN AN",
        "Ngày, thág, năm sinh: 20/07/1946",
    ],
    "declarant": [  # class 3: the deceased's lines unread, the declarant's ID after "số."
        "TRÍCH LỤC KHAI TỬ",
        "Số: 11/2023/KT",
        "Họ, chữ đệm, tên người đi khai tử: TRẦN BÍCH HUỲNH",
        "Giấy tờ tùy thân: Căn cước công dân số.079189397931 do Cục Cảnh sát",
    ],
    "unreadable": [  # bad input: an ID that cannot be this citizen's (century digit 7)
        "ĐƠN ĐỀ NGHỊ",
        "Họ và tên: ĐẶNG ĐÌNH ANH",
        "Sinh ngày: 19/10/1995",
        "Số CCCD: 079 795 123 456",
    ],
    "household": [  # class 3: the household's members, each with a birth date and an ID
        "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
        "1. Họ, chữ đệm và tên: NGUYỄN HOÀNG GIA ỔN",
        "STT  Họ, chữ đệm và tên   Ngày, tháng,   Giới   Quan hệ với",
        "1   ĐẶNG THANH TRÂM   27/08/1975   Nữ   089175954288   Chủ hộ",
    ],
    "for_a_relative": [  # class 3: a request for a relative, its line wrapped, a wrapped name in prose
        "ĐƠN ĐỀ NGHỊ",
        "Tôi tên là: HUỲNH THỊ TỐ   Sinh ngày: 12/03/1980",
        "Nay tôi làm đơn này kính đề nghị quý cơ quan xem xét giải quyết cho người thân",
        "của tôi là:",
        "Họ và tên: VŨ THÙY HOÀI OANH",
        "Sinh ngày: 05/06/2012",
    ],
    "cut_labels": [  # class 6: the label column of a marriage table wraps its labels after any word
        "GIẤY CHỨNG NHẬN KẾT HÔN",
        "Thông tin        Bên chồng                  Bên vợ",
        "Họ,  chữ  đệm,     HUỲNH  THANH  THÀNH    LƯU  XUÂN  MAI",
        "tên",
        "Ngày, tháng,      04/06/1997                  14/11/1978",
        "năm sinh",
        "Dân tộc           Kinh                            Hoa",
    ],
    "wrapped": [  # class 2: a name that filled its line, its last syllable wrapped to the next
        "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
        "Công an Phường 5, Quận 4 xác nhận thông tin về cư trú",
        "của công dân có tên dưới đây, theo cơ sở dữ liệu:",
        "1. Họ, chữ đệm và tên: TRẦN VĂN AN   Giới tính: Nam",
        "12. Họ, chữ đệm và tên chủ hộ: NGUYỄN VIẾT MINH",
        "KHOA",
        "13. Quan hệ với chủ hộ: Con ruột",
    ],
}


def render(lines: list[str]) -> Image.Image:
    font = ImageFont.truetype(FONT, 34)
    image = Image.new("L", (1700, 120 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    return image


@pytest.fixture(scope="module")
def read():
    engine = make_engine("tesserocr")
    cache: dict[str, object] = {}

    def reading(name: str, doc_type: str):
        if name not in cache:
            source = PageSource(0, 1, render(PAGES[name]), 300)
            cache[name] = read_page(source, engine=engine, settings=OcrSettings())
        return read_document([cache[name]], CATALOG.get(doc_type))

    return reading


def values(reading) -> dict[str, str]:
    return {f.name: f.value for f in reading.fields}


def test_leaders_and_rules_are_never_part_of_a_value(read):
    found = values(read("leaders", "application_letter"))
    assert found["full_name"] == "NGÔ VĂN LỘC"
    assert found["date_of_birth"] == "1990-03-05"
    assert found["id_number"] == "079090864632"  # printed in groups, under "Số CMND/CCCD"
    assert not [value for value in found.values() if has_leader(value)]


def test_each_person_gets_the_field_of_its_role(read):
    found = values(read("roles", "power_of_attorney"))
    assert (found["full_name"], found["agent_name"]) == ("TRẦN THÀNH ẤN", "LÊ THỊ HOA")
    assert found["date_of_birth"] == "1975-08-12"  # the principal's, not the agent's


def test_the_child_is_full_name_the_parents_their_own_fields_and_no_syllable_is_lost(read):
    found = values(read("birth", "birth_certificate"))
    assert found["full_name"] == "NGUYỄN HỮU HỶ"
    assert found["date_of_birth"] == "2019-03-05"  # written in words
    assert (found["mother_name"], found["father_name"]) == ("VŨ THỊ ỔN", "NGUYỄN VĂN TÂM")


def test_a_land_use_certificate_gets_its_holder(read):
    found = values(read("land", "land_use_certificate"))
    assert found["full_name"] == "NGUYỄN KIM NHƯ"
    assert found["id_number"] == "079191875976"


def test_a_value_on_the_line_below_its_label_is_read(read):
    found = values(read("below", "application_letter"))
    assert found["full_name"] == "PHẠM YẾN THƯ"
    assert found["date_of_birth"] == "1956-11-22"
    assert found["id_number"] == "082156344161"


def test_a_birth_date_read_with_a_z_takes_the_year_the_id_carries(read):
    found = values(read("ambiguous_date", "application_letter"))
    assert found["date_of_birth"] == "1975-02-20" and found["id_number"] == "089175647933"


def test_a_birth_date_whose_digits_and_words_disagree_is_missing_with_both_for_review(read):
    reading = read("in_words", "birth_registration_form")
    assert "date_of_birth" not in values(reading) and values(reading)["full_name"] == "LÊ THANH HẢI PHÚC"
    assert any(note.startswith("date_of_birth unreadable: read ") and "in words day 10 month 7" in note
               for note in reading.unread)


def test_a_birth_date_whose_digits_read_as_none_is_read_from_its_words_on_the_line_below(read):
    found = {f.name: f for f in read("words_below", "birth_certificate").fields}
    assert found["date_of_birth"].value == "2009-12-03" and found["full_name"].value == "NGUYỄN THỊ TỐ"
    assert found["date_of_birth"].details["check"] == CHECK_DATE_IN_WORDS  # one reading: for review


def test_a_birth_date_label_misread_in_its_middle_still_gives_the_date(read):
    assert values(read("garbled_label", "decision"))["date_of_birth"] == "1946-07-20"


def test_a_declarants_id_is_not_the_document_persons(read):
    found = values(read("declarant", "death_certificate"))
    assert "id_number" not in found and found["document_number"] == "11/2023/KT"
    assert found["agent_name"] == "TRẦN BÍCH HUỲNH"  # the person filing keeps their own field


def test_a_household_members_id_beside_their_birth_date_is_not_the_citizens(read):
    found = values(read("household", "residence_confirmation"))
    assert found["full_name"] == "NGUYỄN HOÀNG GIA ỔN" and "id_number" not in found


def test_a_request_for_a_relative_whose_line_wrapped_keeps_the_relative_apart(read):
    found = values(read("for_a_relative", "application_letter"))
    assert (found["full_name"], found["beneficiary_name"]) == ("HUỲNH THỊ TỐ", "VŨ THÙY HOÀI OANH")
    assert found["date_of_birth"] == "1980-03-12"


def test_a_name_wrapped_at_the_margin_keeps_its_last_syllable(read):
    found = values(read("wrapped", "residence_confirmation"))
    assert (found["full_name"], found["head_of_household_name"]) == ("TRẦN VĂN AN", "NGUYỄN VIẾT MINH KHOA")


def test_labels_a_narrow_table_cell_wrapped_give_each_spouse_their_values(read):
    found = values(read("cut_labels", "marriage_certificate"))
    assert (found["full_name"], found["spouse_name"]) == ("HUỲNH THANH THÀNH", "LƯU XUÂN MAI")
    assert found["date_of_birth"] == "1997-06-04"


def test_an_id_that_cannot_be_read_is_missing_with_the_reading_for_review(read):
    reading = read("unreadable", "application_letter")
    assert "id_number" not in values(reading)
    assert any(note.startswith("id_number unreadable: read 079795123456") for note in reading.unread)


def test_an_identity_card_gives_the_id_and_birth_date_its_machine_readable_zone_confirms(read):
    reading = read("card_back", "citizen_id_card")
    found = {f.name: f for f in reading.fields}
    assert found["id_number"].value == "079300720678"
    assert found["id_number"].details["from"] == "mrz"
    assert (found["date_of_birth"].value, found["gender"].value) == ("2000-10-14", "Nữ")
    # the zone confirms the printed name's letters; the printed side keeps its marks
    assert fold(found["full_name"].value) == "bui thuy my uyen"
    assert "from" not in found["full_name"].details


def test_a_zone_whose_two_readings_of_the_number_disagree_gives_nothing():
    from pipeline.stages.extract.mrz import read_mrz

    zone = read_mrz(["IDVNM3007206788079300720778<<9", "0010144F3010144VNM<<<<<<<<<<<3"])
    assert (zone.id_number, zone.date_of_birth) == (None, None)  # 6 and 7: two digits, no way to choose
    assert zone.birth_digits == "001014"  # kept for the printed ID to confirm, or not
    zone = read_mrz(["IDVNM3007206788079300720678<<9", "0110144F3010144VNM<<<<<<<<<<<3"])
    assert (zone.id_number, zone.date_of_birth) == ("079300720678", None)  # the year read as 01, not 00


# --- dossier-level reconciliation (plain data: what extraction returned for each document) ----------


def field(name: str, value: str) -> ExtractedField:
    return ExtractedField(name, value, 0.8, 1)


def test_the_documents_of_a_dossier_correct_a_minority_reading():
    documents = [
        ("application_letter", [field("full_name", "VÕ THÙY NHẪN"), field("id_number", "080301189510")]),
        ("citizen_id_card", [field("full_name", "VÕ THÙY NHAN"), field("id_number", "080301189570"),
                             field("date_of_birth", "2001-01-24")]),
        ("dossier_receipt", [field("full_name", "VÕ THÙY NHẪN"), field("id_number", "080301189510")]),
    ]
    result = reconcile.reconcile(documents)
    card = {f.name: f for f in result[1].fields}
    assert card["full_name"].value == "VÕ THÙY NHẪN"
    assert card["id_number"].value == "080301189510"
    assert card["id_number"].details["reconciled_from"] == "080301189570"
    assert not any(r.reasons for r in result)


def test_two_documents_that_disagree_go_to_review_with_both_readings():
    documents = [
        ("application_letter", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040183123146")]),
        ("citizen_id_card", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193123146")]),
    ]
    result = reconcile.reconcile(documents)
    assert [f.value for f in result[0].fields] == ["LÝ THỊ BẢO HIỀN"]  # nothing guessed, nothing kept wrong
    for document in result:
        assert document.reasons == ["id_number differs between the documents of the dossier: "
                                    "040183123146 (application_letter #1); 040193123146 (citizen_id_card #2); "
                                    "none of them is kept"]


def test_different_citizens_in_one_dossier_are_not_merged():
    documents = [
        ("marriage_certificate", [field("full_name", "HUỲNH GIA DUY"), field("date_of_birth", "1990-01-01")]),
        ("citizen_id_card", [field("full_name", "TRẦN NHƯ HẢO"), field("date_of_birth", "1992-05-05")]),
    ]
    result = reconcile.reconcile(documents)
    assert [r.fields for r in result] == [d[1] for d in documents]
    assert not any(r.reasons for r in result)


def test_with_no_majority_the_validators_choose_the_reading_that_is_a_vietnamese_name():
    documents = [
        ("application_letter", [field("full_name", "LÊ VIT ANH ĐỊNH")]),
        ("marital_status_certificate", [field("full_name", "LÊ VIẾT ANH ĐỊNH")]),
        ("citizen_id_card", [field("full_name", "DIEM THI NHU")]),
        ("application_letter", [field("full_name", "DIỄM THỊ NHƯ")]),
    ]
    result = reconcile.reconcile(documents)
    assert [r.fields[0].value for r in result] == ["LÊ VIẾT ANH ĐỊNH"] * 2 + ["DIỄM THỊ NHƯ"] * 2
    assert result[0].fields[0].details["reconciled_from"] == "LÊ VIT ANH ĐỊNH"
    assert not any(r.reasons for r in result)


def test_with_no_majority_the_birth_date_whose_year_the_id_carries_is_chosen():
    documents = [
        ("application_letter", [field("full_name", "NGUYỄN HUY KIÊN"), field("date_of_birth", "1934-10-23")]),
        ("citizen_id_card", [field("full_name", "NGUYỄN HUY KIÊN"), field("date_of_birth", "1954-10-23"),
                             field("id_number", "068054199711")]),
    ]
    result = reconcile.reconcile(documents)
    letter = {f.name: f for f in result[0].fields}
    assert letter["date_of_birth"].value == "1954-10-23"
    assert letter["date_of_birth"].details["reconciled_from"] == "1934-10-23"
    assert not any(r.reasons for r in result)
    without_id = reconcile.reconcile([(t, [f for f in fields if f.name != "id_number"]) for t, fields in documents])
    assert [f.value for f in without_id[0].fields] == ["NGUYỄN HUY KIÊN", "1934-10-23"]  # nothing to tell them apart
    assert without_id[0].reasons


@pytest.mark.parametrize(("name", "blur", "repaired_by"), [
    ("NGUYỄN THỊ HẰNG", 1.0, "the engine's alternative"),  # read HÀNG: no name; the engine also saw HẰNG
    ("ĐẶNG HỮU LỘC", 1.4, "the names lexicon"),  # read ĐĂNG: a given name, never a family name
])
def test_a_name_read_with_a_wrong_mark_is_put_right(name, blur, repaired_by):
    """Class 5: small, soft print (half resolution, blurred) where Tesseract gets one mark of the
    name wrong; the corrections restore it, each from its own evidence."""
    page = render(["TỜ KHAI", f"Họ và tên: {name}", "Sinh ngày: 05/03/1990"])
    page = page.resize((page.width // 2, page.height // 2)).filter(ImageFilter.GaussianBlur(blur))
    engine = make_engine("tesserocr")
    source = PageSource(0, 1, page, 150)
    as_read = read_page(source, engine=engine, settings=OcrSettings(correct=False, reread=False))
    assert name not in as_read.text  # the page still shows the fault to this Tesseract
    corrected = read_page(source, engine=engine, settings=OcrSettings())
    found = values(read_document([corrected], CATALOG.get("application_letter")))
    assert found["full_name"] == name, repaired_by



def test_an_id_the_page_pass_misread_is_read_again_from_its_line_by_the_real_engine():
    # The page is read for real; its ID's words are then damaged as a degraded scan damages them
    # (the page pass has only its own reading), and the line is read again from the image.
    import dataclasses

    from pipeline.stages.extract import reread

    lines = ["ĐƠN ĐỀ NGHỊ", "Họ và tên: TRẦN THỊ BÌNH", "Ngày sinh: 12/03/1990", "Giới tính: Nữ",
             "Số định danh cá nhân: ....079 190 123 456......"]
    image = render(lines)
    engine = make_engine("tesserocr")
    page = read_page(PageSource(0, 1, image, 300), engine=engine, settings=OcrSettings())
    damage = {"079": "()7g", "190": "l9O", "123": "1Z3", "456": "4S6"}
    words = [dataclasses.replace(w, text=damage.get(w.text.strip("."), w.text)) for w in page.words]
    text = "\n".join(" ".join(damage.get(t.strip("."), t) for t in line.split()) for line in page.text.splitlines())
    damaged = dataclasses.replace(page, text=text, words=words)
    assert "id_number" not in values(read_document([damaged], CATALOG.get("application_letter")))

    again = reread.reread_page(damaged, image, engine=engine, timeout=30)
    assert again.details["values_read_again"][0]["kind"] == "identity"
    found = {f.name: f for f in read_document([again], CATALOG.get("application_letter")).fields}
    assert found["id_number"].value == "079190123456" and found["id_number"].details["reread"]



def test_a_value_written_on_a_dotted_line_that_the_line_mode_reads_as_nothing_is_read_as_a_raw_line():
    # Values written in an italic hand on tight dotted fill-in lines, as the page pass saw them (its
    # word boxes, its damaged reading of the ID). Cropped with its neighbours' edges, the ID's line
    # reads as nothing in the engine's line mode; the raw-line mode reads it.
    from pipeline.domain import PageText, Word
    from pipeline.stages.extract import reread

    label_font = ImageFont.truetype(FONT, 30)
    hand = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Italic.ttf", 40)
    image = Image.new("L", (1654, 700), 255)
    draw = ImageDraw.Draw(image)
    words, lines = [], []

    def write(xy, text, font, read_as=None):
        draw.text(xy, text, font=font, fill=0)
        left, top, right, bottom = draw.textbbox(xy, text, font=font)
        words.append(Word(read_as or text, 90.0, left, top, right - left, bottom - top))
        return right

    write((120, 60), "GIẤY ỦY QUYỀN", label_font)
    lines.append("GIẤY ỦY QUYỀN")
    for row, (label, value, read_as) in enumerate([
            ("Họ, chữ đệm, tên:", "Phạm Tuyết Phương", None), ("Ngày sinh:", "04.05.1959", None),
            ("Số định danh cá nhân:", "089159554870", "...()891595548Z0...."),
            ("Nơi cư trú:", "43 Lý Thường Kiệt", None)]):
        y = 200 + 48 * row
        x = write((120, y), label, label_font) + 12
        draw.text((x, y + 16), "." * 60, font=label_font, fill=0)
        write((x + 30, y - 6), value, hand, read_as)
        lines.append(f"{label} {read_as or value}")
    page = PageText(0, 1, "\n".join(lines), 80.0, "ocr", words)
    assert "id_number" not in values(read_document([page], CATALOG.get("power_of_attorney")))

    engine = make_engine("tesserocr")
    [line] = [line for line in reread.unread_value_lines(page) if line.kind.value == "identity"]
    left, top, right, bottom = line.box
    crop = image.crop((left - reread.PAD, top - reread.PAD, right + reread.PAD, bottom + reread.PAD))
    assert engine.recognize(crop, languages="vie", timeout=30, psm=reread.PSM_SINGLE_LINE).text.strip() == ""

    again = reread.reread_page(page, image, engine=engine, timeout=30)
    found = {f.name: f for f in read_document([again], CATALOG.get("power_of_attorney")).fields}
    assert found["id_number"].value == "089159554870" and found["id_number"].details["reread"]


@pytest.mark.parametrize("degrees", [6, -6])
def test_the_words_of_a_skewed_page_are_grouped_along_its_slope(degrees):
    # Word boxes are on the page as scanned: its lines slope, and a long leader's enclosing box spans
    # several of them. Grouped along the slope the deskew step measured, each line keeps its label and
    # its value, which reading values again from their line depends on.
    from pipeline.domain import PageText
    from pipeline.stages.extract.layout import word_lines
    from pipeline.stages.read import ocr_image
    from tools import scanlib as sl

    lines = ["Họ, chữ đệm, tên: ...................NGUYỄN VĂN AN..............................",
             "Ngày sinh: .............12/03/1990..................... Giới tính: .....Nam...........",
             "Số định danh cá nhân: .............079090123456.................................."]
    image, _ = sl.render_page([sl.para(line) for line in lines], dpi=200, size_mm=(210, 100))
    result = ocr_image(sl.skew(image, degrees), dpi=200, engine=make_engine("tesserocr"), languages="vie",
                       timeout=60)
    page = PageText(0, 1, result.text, result.confidence, "ocr", list(result.words), dict(result.details))
    grouped = [" ".join(word.text for word in line) for line in word_lines(page)]
    assert [fold(line.split(":")[0]) for line in grouped] == ["ho, chu dem, ten", "ngay sinh", "so dinh danh ca nhan"]
    assert "12/03/1990" in grouped[1] and "079090123456" in grouped[2]


def test_a_name_its_label_did_not_give_is_read_under_its_signers_caption():
    # The principal's name on its dotted line is lost (the line is blank here); the two signature
    # blocks, side by side as forms print them, read as one line by OCR, give each signer's name.
    font = ImageFont.truetype(FONT, 34)
    image = Image.new("L", (1700, 1000), 255)
    draw = ImageDraw.Draw(image)
    body = ["GIẤY ỦY QUYỀN", "Họ và tên: ...................................", "Ngày sinh: 12/08/1975"]
    for index, line in enumerate(body):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    for left, rows in ((80, ["NGƯỜI ĐƯỢC ỦY QUYỀN", "(Ký, ghi rõ họ tên)", "", "", "Hoàng Văn Thiên Đông"]),
                       (950, ["NGƯỜI ỦY QUYỀN", "(Ký, ghi rõ họ tên)", "", "", "Trần Diễm Tiên"])):
        for index, line in enumerate(rows):
            draw.text((left, 400 + 70 * index), line, font=font, fill=0)
    page = read_page(PageSource(0, 1, image, 300), engine=make_engine("tesserocr"), settings=OcrSettings())
    found = {f.name: f for f in read_document([page], CATALOG.get("power_of_attorney")).fields}
    assert (found["full_name"].value, found["full_name"].details["from"]) == ("TRẦN DIỄM TIÊN", "signature")
    assert found["agent_name"].value == "HOÀNG VĂN THIÊN ĐÔNG"


@pytest.mark.parametrize("read_as, kept", [
    ("TRẦN THỊ TÔ", False),        # the same name but for a mark: the signed reading is taken
    ("TRẦN QUỐC KHƯỢN", False),    # one letter off, and no name the lexicon knows
    ("TRẦN THỊ HOA", True),        # another name: the labelled one stays
])
def test_a_labelled_name_is_read_again_under_its_own_signature(read_as, kept):
    # The applicant's name typed over a dotted line and printed again under "Người đề nghị"; the page
    # is read for real, then its labelled name damaged as the development half's dotted lines damaged
    # it (a mark lost, a letter misread). The name under the signature caption decides.
    import dataclasses

    printed = {"TRẦN THỊ TÔ": "TRẦN THỊ TỐ", "TRẦN QUỐC KHƯỢN": "TRẦN QUỐC KHƯƠNG", "TRẦN THỊ HOA": "TRẦN THỊ TỐ"}[read_as]
    font = ImageFont.truetype(FONT, 34)
    image = Image.new("L", (1700, 1000), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(["ĐƠN ĐỀ NGHỊ", f"Họ và tên: {printed}", "Sinh ngày: 12/08/1975"]):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    for index, line in enumerate(["Người đề nghị", "(Ký và ghi rõ họ tên)", "", "", printed]):
        draw.text((950, 400 + 70 * index), line, font=font, fill=0)
    page = read_page(PageSource(0, 1, image, 300), engine=make_engine("tesserocr"), settings=OcrSettings())
    first, *rest = page.text.split(printed, 1)
    damaged = dataclasses.replace(page, text=first + read_as + "".join(rest))
    found = {f.name: f for f in read_document([damaged], CATALOG.get("application_letter")).fields}
    if kept:
        assert found["full_name"].value == read_as and "from" not in found["full_name"].details
    else:
        assert found["full_name"].value == printed
        assert found["full_name"].details == {"from": "signature", "labelled": read_as}


def test_an_id_printed_in_boxes_is_read_again_with_the_box_lines_painted_out():
    # Forms print the personal ID in twelve boxes; the page pass reads the box lines as |, [ and 1 and
    # loses the number. Read again from its line with the lines painted out, digits only, it is whole.
    from pipeline.stages.extract import reread

    font = ImageFont.truetype(FONT, 34)
    image = render(["TRÍCH LỤC KHAI TỬ", "Họ, chữ đệm, tên người đã chết: LÊ KHÁNH HOÀNG THÀNH",
                    "Ngày sinh: 08/09/1966"] + [""])
    draw = ImageDraw.Draw(image)
    y = 60 + 70 * 3
    draw.text((80, y), "Số định danh cá nhân:", font=font, fill=0)
    x = draw.textbbox((80, y), "Số định danh cá nhân:", font=font)[2] + 10
    for index, digit in enumerate("052066912247"):
        draw.rectangle((x + index * 44, y - 6, x + (index + 1) * 44, y + 44), outline=0, width=2)
        draw.text((x + index * 44 + 11, y - 2), digit, font=font, fill=0)
    engine = make_engine("tesserocr")
    page = read_page(PageSource(0, 1, image, 300), engine=engine, settings=OcrSettings())
    assert "id_number" not in values(read_document([page], CATALOG.get("death_certificate")))

    again = reread.reread_page(page, image, engine=engine, timeout=30)
    [entry] = [e for e in again.details["values_read_again"] if e["kind"] == "identity"]
    assert entry["again"][-2:] == ["052066912247", "052066912247"]  # the two readings without box lines
    found = {f.name: f for f in read_document([again], CATALOG.get("death_certificate")).fields}
    assert found["id_number"].value == "052066912247" and found["id_number"].details["reread"]


def test_a_zone_line_the_first_reading_misread_and_the_zone_alone_confirms():
    from pipeline.stages.extract.mrz import Mrz, combined, read_mrz

    # the I of "IDVNM" read as T: the line is still the zone's first
    assert read_mrz(["TDVNM1984240522001198424052<<8", "9810177F5810177VNM<<<<<<<<<<<"]).date_of_birth == "1998-10-17"
    first = read_mrz(["TDVNM1984240522001198424052<<8", "9818177F5810177VNM<<<<<<<<<<<"])  # 0 read as 8
    assert (first.id_number, first.date_of_birth) == ("001198424052", None)
    again = read_mrz(["IDVNM1984240522001198424052<<8", "9810177F5810177VNM<<<<<<<<<<<"])
    assert combined(first, again) == Mrz("001198424052", "1998-10-17", "Nữ", None, None)
    # two readings that confirm different IDs: one of them is misread, the zone gives neither
    other = Mrz("001198424053", "1998-10-17", "Nữ", "NGUYEN DIEM HOA", None)
    assert combined(first, other) == Mrz(name="NGUYEN DIEM HOA")
    # the ID's first three digits are read once: a head that is no province's code confirms nothing
    assert read_mrz(["TOVNM19312314660d01931231d6<<3"]) is None
    assert read_mrz(["TOVNM193123146604019312314G<<3"]).id_number == "040193123146"
    assert combined(None, again) == again and combined(first) == first
    # the ID confirmed by one reading, the birth digits kept by another: the year agrees, so the date
    only_digits = read_mrz(["TOVNM19312314660d01931231d6<<3", "9308077FS20807"])
    assert (only_digits.id_number, only_digits.birth_digits) == (None, "930807")
    assert combined(only_digits, read_mrz(["TOVNM193123146604019312314G<<3"])).date_of_birth == "1993-08-07"


def test_an_identity_cards_zone_is_read_again_alone_with_its_characters_only_by_the_real_engine():
    # The card's back in a monospaced face: the page pass reads the I of "IDVNM" as T and a 0 of the
    # ID as 6, so the zone's two readings of the number disagree and confirm neither the ID nor the
    # birth date. Read again as a block, allowed only the zone's characters, it confirms both.
    from pipeline.stages.extract import reread

    lines = ["CĂN CƯỚC CÔNG DÂN", "Họ và tên / Full name: BÙI THÙY MỸ UYÊN",
             "IDVNM3007206788079300720678<<9", "0010144F3010144VNM<<<<<<<<<<<3", "BUI<<THUY<MY<UYEN<<<<<<<<<<<<<"]
    image = Image.new("L", (1700, 520), 255)
    draw = ImageDraw.Draw(image)
    mono = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 40)
    for index, line in enumerate(lines):
        draw.text((80, 60 + 80 * index), line, font=mono if "<" in line else ImageFont.truetype(FONT, 34), fill=0)
    engine = make_engine("tesserocr")
    page = read_page(PageSource(0, 1, image, 300), engine=engine, settings=OcrSettings())
    first = values(read_document([page], CATALOG.get("citizen_id_card")))
    assert "date_of_birth" not in first and "id_number" not in first

    again = reread.reread_page(page, image, engine=engine, timeout=30)
    [entry] = [e for e in again.details["values_read_again"] if e["kind"] == reread.ZONE]
    assert "IDVNM3007206788079300720678" in entry["again"][0]
    found = {f.name: f for f in read_document([again], CATALOG.get("citizen_id_card")).fields}
    assert (found["date_of_birth"].value, found["id_number"].value) == ("2000-10-14", "079300720678")
    assert found["id_number"].details["from"] == "mrz"
