"""Reconciliation supplies a value a document printed but OCR could not read, from the dossier's others."""

from __future__ import annotations

import dataclasses

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import OPERATOR, ExtractedField, PageText
from pipeline.stages import reconcile
from pipeline.stages.extract import IDENTITY_GROUP, read_document

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")


def field(name: str, value: str) -> ExtractedField:
    return ExtractedField(name, value, 0.9, 1)


def values(result: reconcile.Reconciled) -> dict[str, str]:
    return {f.name: f.value for f in result.fields}


APPLICATION = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN")])
CARD = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080144193"),
                            field("date_of_birth", "1980-11-30")])


def test_a_value_printed_unreadably_is_supplied_by_the_documents_that_read_it():
    application, _ = reconcile.reconcile([APPLICATION, CARD], unread=[{"date_of_birth", "id_number"}, set()])
    assert values(application)["date_of_birth"] == "1980-11-30"
    assert values(application)["id_number"] == "079080144193"
    supplied = {f.name: f for f in application.fields}["id_number"]
    assert supplied.details == {"from": "dossier", "agreed_by": ["citizen_id_card #2"]}


def test_nothing_is_supplied_to_a_document_that_did_not_print_the_value():
    application, _ = reconcile.reconcile([APPLICATION, CARD], unread=[set(), set()])
    assert "date_of_birth" not in values(application)


def test_nothing_is_supplied_when_the_others_disagree_or_it_contradicts_the_document():
    other_card = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("date_of_birth", "1980-11-03")])
    application, *_ = reconcile.reconcile([APPLICATION, CARD, other_card], unread=[{"date_of_birth"}, set(), set()])
    assert "date_of_birth" not in values(application)
    born_1990 = ("application_letter", [*APPLICATION[1], field("date_of_birth", "1990-11-30")])
    application, _ = reconcile.reconcile([born_1990, CARD], unread=[{"id_number"}, set()])
    assert "id_number" not in values(application)  # the card's ID carries 1980, this document 1990
    # nor a birth date whose year the document's own ID does not carry (a child's birth date, read on
    # the application for them, is not their parent's, whose card's number says 1980)
    child = ("application_letter", [*APPLICATION[1], field("date_of_birth", "2019-08-09")])
    card = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080144193")])
    _, card_after = reconcile.reconcile([child, card], unread=[set(), {"date_of_birth"}])
    assert "date_of_birth" not in values(card_after)


def test_another_citizens_document_supplies_nothing():
    stranger = ("citizen_id_card", [field("full_name", "TRẦN THỊ BÌNH"), field("date_of_birth", "1975-02-20")])
    application, _ = reconcile.reconcile([APPLICATION, stranger], unread=[{"date_of_birth"}, set()])
    assert "date_of_birth" not in values(application)


def test_a_document_whose_name_and_id_did_not_read_is_the_citizens_its_birth_date_names():
    # a handwritten application: only its birth date read; the card beside it was born that day
    handwritten = ("application_letter", [field("date_of_birth", "1980-11-30")])
    application, _ = reconcile.reconcile([handwritten, CARD], unread=[{"full_name", "id_number"}, set()])
    assert values(application)["id_number"] == "079080144193"
    assert values(application)["full_name"] == "NGUYỄN VIẾT GIA TOÀN"
    # another day, or two citizens born that day: whose it is stays unknown
    other_day = ("application_letter", [field("date_of_birth", "1980-11-03")])
    application, _ = reconcile.reconcile([other_day, CARD], unread=[{"full_name", "id_number"}, set()])
    assert "id_number" not in values(application)
    twin = ("citizen_id_card", [field("full_name", "TRẦN THỊ BÌNH"), field("id_number", "079180523311"),
                                field("date_of_birth", "1980-11-30")])
    application, *_ = reconcile.reconcile([handwritten, CARD, twin], unread=[{"full_name", "id_number"}, set(), set()])
    assert "id_number" not in values(application) and "full_name" not in values(application)


PERMIT = ("construction_permit", [field("full_name", "NGUYỄN LỆ LAN"), field("id_number", "089175647933")])
ZED_LETTER = ("application_letter", [field("full_name", "NGUYỄN LỆ LAN")])  # "Sinh ngày: 20,02.19Z5"
ZED_READINGS = {"date_of_birth": ["1925-02-20", "1975-02-20"]}


def test_a_birth_date_read_with_a_choice_takes_the_reading_whose_year_the_dossiers_id_carries():
    # the letter's own ID did not read either: the permit supplies it, and its year digits choose
    letter, _ = reconcile.reconcile([ZED_LETTER, PERMIT], unread=[{"date_of_birth", "id_number"}, set()],
                                    candidates=[ZED_READINGS, {}])
    chosen = {f.name: f for f in letter.fields}["date_of_birth"]
    assert chosen.value == "1975-02-20"
    assert chosen.details == {"from": "dossier", "chosen_by": "id_number", "readings": ["1925-02-20", "1975-02-20"]}
    assert chosen.confidence == reconcile.CHOSEN_CONFIDENCE


def test_a_birth_date_with_a_choice_stays_unread_without_an_id_or_when_both_readings_fit():
    no_id = ("construction_permit", [field("full_name", "NGUYỄN LỆ LAN")])
    letter, _ = reconcile.reconcile([ZED_LETTER, no_id], unread=[{"date_of_birth"}, set()],
                                    candidates=[ZED_READINGS, {}])
    assert "date_of_birth" not in values(letter)
    same_year = {"date_of_birth": ["1975-02-20", "1975-07-20"]}  # the Z in the month: the year cannot tell
    letter, _ = reconcile.reconcile([ZED_LETTER, PERMIT], unread=[{"date_of_birth", "id_number"}, set()],
                                    candidates=[same_year, {}])
    assert "date_of_birth" not in values(letter)


def test_extraction_leaves_a_birth_dates_readings_for_the_dossier_when_its_own_id_cannot_choose():
    text = "ĐƠN ĐỀ NGHỊ\nTôi là: NGUYỄN LỆ LAN\nSinh ngày: ...... 20,02.19Z5..........\nĐịa chỉ: 251 Điện Biên Phủ"
    reading = read_document([PageText(0, 1, text, 90.0, "ocr", [])], CATALOG.get("application_letter"))
    assert "date_of_birth" not in {f.name for f in reading.fields}
    assert reading.candidates == ZED_READINGS
    with_id = text + "\nSố định danh cá nhân: 089175647933"  # its own ID chooses: nothing left to the dossier
    reading = read_document([PageText(0, 1, with_id, 90.0, "ocr", [])], CATALOG.get("application_letter"))
    assert {f.name: f.value for f in reading.fields}["date_of_birth"] == "1975-02-20" and reading.candidates == {}


def test_extraction_notes_a_printed_value_it_could_not_read():
    text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: NGUYỄN VIẾT GIA TOÀN\nNgày, tháng, năm sinh: ......2⁄4 1⁄I98O......\nĐịa chỉ: 12 Lý Tự Trọng"
    reading = read_document([PageText(0, 1, text, 90.0, "ocr", [])], CATALOG.get("application_letter"))
    assert reading.unread == ["date_of_birth unreadable: read '2⁄4 1⁄I98O'"]


def render(path, lines):
    """A page of printed lines, for the real engine to read."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 34)
    image = Image.new("L", (1700, 200 + 70 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for index, line in enumerate(lines):
        draw.text((80, 60 + 70 * index), line, font=font, fill=0)
    image.save(path, dpi=(300, 300))


def file_application_and_card(dossier, tmp_path, application_line: str, card_lines: list[str]) -> list[dict]:
    """An application and the applicant's ID card copy rendered as one folder dossier, filed with the
    real engine into the real store; the documents as `show --json` gives them."""
    folder = tmp_path / "hồ sơ"
    folder.mkdir()
    render(folder / "1.png", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐƠN ĐỀ NGHỊ", "Kính gửi: Ủy ban nhân dân Phường 1",
                              "Họ và tên: NGUYỄN VIẾT GIA TOÀN", application_line,
                              "Địa chỉ: 12 Lý Tự Trọng, Phường Bến Nghé, Quận 1"])
    render(folder / "2.png", ["CĂN CƯỚC CÔNG DÂN", "Số / No.: 079080144193", "Họ và tên / Full name:",
                              "NGUYỄN VIẾT GIA TOÀN", *card_lines, "Giới tính / Sex: Nam"])
    assert dossier("ingest", str(folder)).code == 0
    [batch] = dossier("batches", "--json").json()
    return [dossier("show", str(doc), "--json").json() for doc in batch["documents"]]


def test_a_dossier_filed_end_to_end_supplies_the_unread_birth_date_and_reviews_it_again(dossier, tmp_path):
    # An application whose birth date is only its dotted line, and the card that prints it
    shown = file_application_and_card(dossier, tmp_path, "Ngày, tháng, năm sinh: ...........................",
                                      ["Ngày sinh / Date of birth: 30/11/1980"])
    letter = next(d for d in shown if d["doc_type"] == "application_letter")
    assert letter["fields"]["date_of_birth"] == "1980-11-30"
    assert not [r for r in letter.get("review_reasons") or [] if r.startswith("date_of_birth")]


def test_a_dossier_filed_end_to_end_gives_a_card_whose_birth_date_line_was_lost_the_applications(dossier, tmp_path):
    # An ID card always prints a birth date (the catalog requires it): missing, OCR lost its line
    # (here: never rendered), and the citizen's application supplies it
    shown = file_application_and_card(dossier, tmp_path, "Ngày, tháng, năm sinh: 30/11/1980", [])
    letter, card = shown
    assert card["doc_type"] == "citizen_id_card" and letter["fields"]["date_of_birth"] == "1980-11-30"
    assert card["fields"]["date_of_birth"] == "1980-11-30"
    [born] = [f for f in card["field_details"] if f["name"] == "date_of_birth"]
    assert born["page"] is None  # given by the dossier, read on no page of the card


def test_with_no_majority_the_id_that_carries_the_birth_year_is_chosen():
    card = ("citizen_id_card", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040183123146"),
                                field("date_of_birth", "1993-08-07")])
    marriage = ("marriage_certificate", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193123146"),
                                         field("date_of_birth", "1993-08-07")])
    first, second = reconcile.reconcile([card, marriage])
    assert values(first)["id_number"] == values(second)["id_number"] == "040193123146"
    assert {f.name: f for f in first.fields}["id_number"].details["reconciled_from"] == "040183123146"
    assert not first.reasons and not second.reasons


def test_ids_a_digit_apart_that_nothing_chooses_between_are_kept_on_neither_and_go_to_review():
    # At least one is a misreading and nothing says which: a wrong ID would file the citizen under
    # another's number, so both are withheld and review shows both readings.
    card = ("citizen_id_card", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193123146")])
    marriage = ("marriage_certificate", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193123147")])
    first, second = reconcile.reconcile([card, marriage])
    assert "id_number" not in values(first) and "id_number" not in values(second)
    assert values(first)["full_name"] == "LÝ THỊ BẢO HIỀN"
    assert first.reasons == second.reasons == [
        "id_number differs between the documents of the dossier: 040193123146 (citizen_id_card #1); "
        "040193123147 (marriage_certificate #2); none of them is kept"]


def test_ids_further_apart_or_typed_by_an_operator_are_kept_as_they_are():
    far = ("marriage_certificate", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193777146")])
    card = ("citizen_id_card", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "040193123146")])
    first, second = reconcile.reconcile([card, far])
    assert values(first)["id_number"] == "040193123146" and values(second)["id_number"] == "040193777146"
    typed = ExtractedField("id_number", "040193123147", 1.0, None, source=OPERATOR)
    marriage = ("marriage_certificate", [field("full_name", "LÝ THỊ BẢO HIỀN"), typed])
    first, second = reconcile.reconcile([card, marriage])
    assert values(first)["id_number"] == "040193123146" and values(second)["id_number"] == "040193123147"
    assert first.reasons and not first.reasons[0].endswith("none of them is kept")


CARD_RECORDS = CATALOG.get("citizen_id_card").record_of


def test_with_no_majority_or_validator_the_ids_card_reading_is_taken_and_both_are_reviewed():
    # An application's ID copied by hand and misread in one digit, the card's printed one beside it:
    # neither carries a birth year the other does not, so only the card's being the record chooses.
    application = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080144198")])
    first, second = reconcile.reconcile([application, CARD], records=[(), CARD_RECORDS])
    assert values(first)["id_number"] == values(second)["id_number"] == "079080144193"
    taken = {f.name: f for f in first.fields}["id_number"]
    assert taken.details == {"reconciled_from": "079080144198", "agreed_by": ["citizen_id_card #2"]}
    assert first.reasons == second.reasons == [
        "id_number differs between the documents of the dossier: 079080144198 (application_letter #1); "
        "079080144193 (citizen_id_card #2)"]


def test_the_card_is_the_record_of_its_numbers_not_of_its_names_marks():
    # The card is read in vie+eng, whose tone marks are the less sure: its name chooses nothing.
    assert "full_name" not in CARD_RECORDS and {"id_number", "date_of_birth"} <= set(CARD_RECORDS)
    application = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOẢN")])
    first, second = reconcile.reconcile([application, CARD], records=[(), CARD_RECORDS])
    assert values(first)["full_name"] == "NGUYỄN VIẾT GIA TOẢN" and first.reasons and second.reasons


def test_the_records_reading_is_not_taken_when_it_is_another_number_or_does_not_validate():
    far = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080177798")])
    first, _ = reconcile.reconcile([far, CARD], records=[(), CARD_RECORDS])
    assert values(first)["id_number"] == "079080177798" and first.reasons  # three digits apart: not a misread
    # the card's own birth date says 1980, its ID read as born in 1986 (the form's, 1987, fits no
    # better, so the birth year chooses neither): a card's reading that does not validate is not taken
    card_misread = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079086144193"),
                                        field("date_of_birth", "1980-11-30")])
    application = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079087144198")])
    first, second = reconcile.reconcile([application, card_misread], records=[(), CARD_RECORDS])
    assert "id_number" not in values(first) and "id_number" not in values(second)  # nothing chooses: neither kept
    application = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080144198")])
    # without records (every caller before the catalog said which types are records) nothing is taken
    first, second = reconcile.reconcile([application, CARD])
    assert "id_number" not in values(first) and "id_number" not in values(second)


def test_a_birth_date_read_apart_takes_the_cards():
    application = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("date_of_birth", "1980-11-06")])
    first, second = reconcile.reconcile([application, CARD], records=[(), CARD_RECORDS])
    assert values(first)["date_of_birth"] == "1980-11-30" and first.reasons and second.reasons


def test_a_dossier_filed_end_to_end_takes_the_cards_id_for_the_form_that_copied_it_apart(dossier, tmp_path):
    # The shipped catalog: the application's ID differs from the card's in one digit (a copying slip
    # here; an OCR misread of handwriting in practice) and no birth date chooses.
    shown = file_application_and_card(dossier, tmp_path, "Số định danh cá nhân: 079080144198", [])
    assert [d["doc_type"] for d in shown] == ["application_letter", "citizen_id_card"]
    assert [d["fields"]["id_number"] for d in shown] == ["079080144193", "079080144193"]
    for document in shown:  # taken, and still before an operator with both readings
        assert "id_number differs between the documents of the dossier: 079080144198 (application_letter #1); " \
               "079080144193 (citizen_id_card #2)" in document["review_reasons"]


def test_a_name_read_a_syllable_short_takes_the_whole_reading_of_the_same_citizen():
    # the residence confirmation's "LÊ YẾN TH": the TH at the dotted line's end was no syllable
    card = ("citizen_id_card", [field("full_name", "LÊ YẾN THU"), field("id_number", "077197511993")])
    residence = ("residence_confirmation", [field("full_name", "LÊ YẾN"), field("id_number", "077197511993")])
    death = ("death_certificate", [field("full_name", "KIM LỆ"), field("date_of_birth", "1957-03-12")])
    application = ("application_letter", [field("full_name", "HỨA KIM LỆ"), field("date_of_birth", "1957-03-12")])
    _, lengthened = reconcile.reconcile([card, residence])
    assert values(lengthened)["full_name"] == "LÊ YẾN THU"
    assert {f.name: f for f in lengthened.fields}["full_name"].details == {
        "reconciled_from": "LÊ YẾN", "agreed_by": ["citizen_id_card #1"]}
    lengthened, _ = reconcile.reconcile([death, application])  # its first syllable lost, the birth date the same
    assert values(lengthened)["full_name"] == "HỨA KIM LỆ"


def test_a_shorter_name_is_kept_without_the_same_id_or_birth_date_or_with_two_longer_readings():
    short = ("residence_confirmation", [field("full_name", "LÊ YẾN"), field("id_number", "077197511993")])
    other_id = ("citizen_id_card", [field("full_name", "LÊ YẾN THU"), field("id_number", "077197511994")])
    assert values(reconcile.reconcile([other_id, short])[1])["full_name"] == "LÊ YẾN"  # near IDs: not the same read
    same = [("citizen_id_card", [field("full_name", whole), field("id_number", "077197511993")])
            for whole in ("LÊ YẾN THU", "LÊ YẾN NHI")]
    assert values(reconcile.reconcile([*same, short])[2])["full_name"] == "LÊ YẾN"  # which one?
    garbled = ("citizen_id_card", [field("full_name", "LÊ YẾN THXU"), field("id_number", "077197511993")])
    assert values(reconcile.reconcile([garbled, short])[1])["full_name"] == "LÊ YẾN"  # no Vietnamese name
    two_more = ("citizen_id_card", [field("full_name", "LÊ YẾN THU HÀ"), field("id_number", "077197511993")])
    assert values(reconcile.reconcile([two_more, short])[1])["full_name"] == "LÊ YẾN"
    typed = ("residence_confirmation", [dataclasses.replace(field("full_name", "LÊ YẾN"), source=OPERATOR),
                                        field("id_number", "077197511993")])
    assert values(reconcile.reconcile([same[0], typed])[1])["full_name"] == "LÊ YẾN"


def test_a_name_misread_into_syllables_that_are_none_takes_the_majoritys_reading():
    # the card's zone read "NGUYEN<<VTET<GTA<TOAN": VTET and GTA are no Vietnamese syllables
    card = ("citizen_id_card", [field("full_name", "NGUYỄN VTET GTA TOÀN"), field("id_number", "079080144193")])
    application, certificate, card = reconcile.reconcile([APPLICATION, APPLICATION, card])
    assert values(card)["full_name"] == "NGUYỄN VIẾT GIA TOÀN"
    assert {f.name: f for f in card.fields}["full_name"].details["reconciled_from"] == "NGUYỄN VTET GTA TOÀN"


def test_with_no_majority_the_name_whose_marks_make_names_of_their_positions_is_chosen():
    # a marriage certificate and the wife's card read her given name with other marks: HIẾN is no given
    # name the lexicon knows, HIỀN is; both documents take HIỀN and still go to review with both readings
    certificate = ("marriage_certificate", [field("full_name", "LÝ THỊ BẢO HIẾN")])
    card = ("citizen_id_card", [field("full_name", "LÝ THỊ BẢO HIỀN"), field("id_number", "079190144193")])
    first, second = reconcile.reconcile([certificate, card], records=[(), CARD_RECORDS])
    assert values(first)["full_name"] == values(second)["full_name"] == "LÝ THỊ BẢO HIỀN"
    assert {f.name: f for f in first.fields}["full_name"].details["reconciled_from"] == "LÝ THỊ BẢO HIẾN"
    assert first.reasons and second.reasons
    # both names (YÊN and YẾN), or neither (ĐẤU and ĐẨU): nothing chooses, each stays as read
    for read, other in (("PHẠM YÊN THƯ", "PHẠM YẾN THƯ"), ("NGUYỄN ĐÌNH ĐẤU", "NGUYỄN ĐÌNH ĐẨU")):
        first, second = reconcile.reconcile([("marriage_certificate", [field("full_name", read)]),
                                             ("citizen_id_card", [field("full_name", other)])])
        assert (values(first)["full_name"], values(second)["full_name"]) == (read, other)


def test_a_short_name_misread_into_no_syllable_is_the_citizens_and_takes_the_other_reading():
    # "IRỒN VĂN BẢO": too short a name for letter likeness to group it with TRẦN VĂN BẢO (0.83), but IRỒN
    # is no Vietnamese syllable and two letters from TRẦN; no ID read on the application to tell
    application = ("application_letter", [field("full_name", "IRỒN VĂN BẢO")])
    permit = ("construction_permit", [field("full_name", "TRẦN VĂN BẢO"), field("id_number", "084065051299")])
    first, second = reconcile.reconcile([application, permit], unread=[{"id_number"}, set()])
    assert values(first)["full_name"] == "TRẦN VĂN BẢO" and values(first)["id_number"] == "084065051299"
    assert {f.name: f for f in first.fields}["full_name"].details["reconciled_from"] == "IRỒN VĂN BẢO"
    # another person's name, each syllable a Vietnamese one: two citizens, nothing taken
    other = ("application_letter", [field("full_name", "TRẦN VĂN BÌNH")])
    first, _ = reconcile.reconcile([other, permit], unread=[{"id_number"}, set()])
    assert values(first) == {"full_name": "TRẦN VĂN BÌNH"}


def test_a_minority_name_that_is_a_vietnamese_name_or_further_off_is_left_as_read():
    for read in ("NGUYỄN VIỆN GIA TOÀN",  # a Vietnamese syllable: maybe another person's name
                 "NGUYỄN VTETXX GIA TOÀN",  # three letters from the majority's syllable
                 "NGUYỄN VTET TOÀN"):  # a syllable fewer
        card = ("citizen_id_card", [field("full_name", read), field("id_number", "079080144193")])
        *_, card = reconcile.reconcile([APPLICATION, APPLICATION, card])
        assert values(card)["full_name"] == read


# --- the applicant's identity card (the catalog's `applicant`) -------------------------------------

APPLICATION_FIELDS = CATALOG.get("application_letter").fields


def from_the_card(*documents):
    """Reconciled as the office does with the shipped catalog: the card's records, the applicants' fields."""
    types = [CATALOG.get(type_id) for type_id, _ in documents]
    return reconcile.reconcile(list(documents), records=[t.record_of for t in types],
                               applicants=[t.fields if t.applicant else () for t in types],
                               identity_cards=[t.group == IDENTITY_GROUP for t in types])


def test_an_applicants_document_that_read_none_of_its_persons_values_takes_the_dossiers_card():
    nothing_read = ("application_letter", [field("issue_date", "2024-10-12")])
    application, card = from_the_card(nothing_read, CARD)
    assert values(application) == {"issue_date": "2024-10-12", "full_name": "NGUYỄN VIẾT GIA TOÀN",
                                   "id_number": "079080144193", "date_of_birth": "1980-11-30"}
    taken = {f.name: f for f in application.fields}["full_name"]
    assert taken.details == {"from": "dossier", "agreed_by": ["citizen_id_card #2"],
                             "check": "not read on this document; taken from the dossier's identity card "
                                      "(citizen_id_card #2)"}
    assert taken.confidence <= reconcile.CHOSEN_CONFIDENCE and taken.page is None
    assert values(card) == values(reconcile.Reconciled(CARD[1]))
    # one that read the citizen's name takes the card's ID and birth date too
    application, _ = from_the_card(APPLICATION, CARD)
    assert values(application)["id_number"] == "079080144193"


def test_the_card_supplies_only_fields_the_applicants_type_carries_and_only_to_applicants_types():
    land = ("land_use_certificate", [field("document_number", "CS 01234")])
    certificate, _ = from_the_card(land, CARD)
    assert "date_of_birth" not in values(certificate)  # a land use certificate prints no birth date
    assert values(certificate)["id_number"] == "079080144193"
    child = ("birth_certificate", [field("father_name", "TRẦN VĂN AN")])  # its person is a child
    birth, _ = from_the_card(child, CARD)
    assert values(birth) == {"father_name": "TRẦN VĂN AN"}


def test_the_card_supplies_nothing_to_another_citizens_document_or_where_its_holder_has_another_role():
    stranger = ("application_letter", [field("full_name", "TRẦN THỊ BÌNH")])
    application, _ = from_the_card(stranger, CARD)
    assert values(application) == {"full_name": "TRẦN THỊ BÌNH"}
    other_id = ("application_letter", [field("id_number", "079175000123")])
    application, _ = from_the_card(other_id, CARD)
    assert "full_name" not in values(application)
    # a power of attorney whose agent brought their own card: the card is the agent's
    agents_card = ("power_of_attorney", [field("agent_name", "NGUYỄN VIẾT GIA TOÀN")])
    attorney, _ = from_the_card(agents_card, CARD)
    assert values(attorney) == {"agent_name": "NGUYỄN VIẾT GIA TOÀN"}


def test_the_card_supplies_nothing_with_two_cards_or_without_the_holders_name():
    nothing_read = ("application_letter", [])
    second_card = ("citizen_id_card", [field("full_name", "TRẦN THỊ BÌNH"), field("id_number", "079175000123")])
    application, *_ = from_the_card(nothing_read, CARD, second_card)
    assert values(application) == {}
    nameless = ("citizen_id_card", [field("id_number", "079080144193")])
    application, _ = from_the_card(nothing_read, nameless)
    assert values(application) == {}
    # without `applicants` (a caller before the catalog said whose documents they are) nothing is taken
    application, _ = reconcile.reconcile([nothing_read, CARD], records=[(), CARD_RECORDS],
                                         identity_cards=[False, True])
    assert values(application) == {}
    # a record of the citizen that is no identity card (a type given `record_of` by a district) is none
    application, _ = reconcile.reconcile([nothing_read, CARD], records=[(), CARD_RECORDS],
                                         applicants=[APPLICATION_FIELDS, ()], identity_cards=[False, False])
    assert values(application) == {}


def test_of_two_cards_the_applicants_is_the_one_whose_holder_has_no_other_role_on_the_document():
    agents_card = ("citizen_id_card", [field("full_name", "PHAN LỆ THẢO TIÊN"), field("id_number", "079176342384")])
    attorney = ("power_of_attorney", [field("agent_name", "PHAN LỆ THẢ TIÊN")])  # the agent's, misread a letter
    document, *_ = from_the_card(attorney, CARD, agents_card)
    assert values(document)["full_name"] == "NGUYỄN VIẾT GIA TOÀN"
    assert values(document)["id_number"] == "079080144193"
    # without the agent's name read, either card may be the principal's: neither is taken
    document, *_ = from_the_card(("power_of_attorney", []), CARD, agents_card)
    assert values(document) == {}


def test_a_name_that_is_no_vietnamese_name_is_replaced_by_the_cards_and_kept_beside_it():
    misread = ("power_of_attorney", [field("full_name", "UV TÁC")])
    document, _ = from_the_card(misread, CARD)
    taken = {f.name: f for f in document.fields}
    assert taken["full_name"].value == "NGUYỄN VIẾT GIA TOÀN" and taken["full_name"].details["read_as"] == "UV TÁC"
    assert taken["id_number"].value == "079080144193"
    # a Vietnamese name is another citizen's, and one an operator typed is theirs to change
    another = ("power_of_attorney", [field("full_name", "TRẦN VĂN TÁC")])
    document, _ = from_the_card(another, CARD)
    assert values(document) == {"full_name": "TRẦN VĂN TÁC"}
    typed = ("power_of_attorney", [dataclasses.replace(field("full_name", "UV TÁC"), source=OPERATOR)])
    document, _ = from_the_card(typed, CARD)
    assert values(document) == {"full_name": "UV TÁC"}
    # no name, but read alike on another document (not the card): it names that document's citizen
    misspelt = ("application_letter", [field("full_name", "TRẦN VĂN TÁCK")])
    permit = ("construction_permit", [field("full_name", "TRẦN VĂN TÁCK")])
    document, *_ = from_the_card(misspelt, CARD, permit)
    assert values(document) == {"full_name": "TRẦN VĂN TÁCK"}


def test_an_applicants_id_and_birth_date_that_are_another_persons_give_way_to_the_cards():
    # a father's application for his daughter, her block's heading unread: her ID and birth date (one
    # person's: the ID carries 2019) were given to him
    her_gender = dataclasses.replace(field("gender", "Nữ"), details={"from": "id_number"})  # her ID's digit
    daughters = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "052319458906"),
                                        field("date_of_birth", "2019-08-09"), field("issue_date", "2024-10-12"),
                                        her_gender])
    application, card = from_the_card(daughters, CARD)
    taken = {f.name: f for f in application.fields}
    assert taken["id_number"].value == "079080144193" and taken["date_of_birth"].value == "1980-11-30"
    assert "gender" not in taken and taken["issue_date"].value == "2024-10-12"
    assert taken["id_number"].details["check"].startswith("not read on this document; taken from")
    assert application.reasons == ["id_number 052319458906 and date_of_birth 2019-08-09 read for NGUYỄN VIẾT GIA "
                                   "TOÀN are another person's: the dossier's identity card (citizen_id_card #2) "
                                   "reads 079080144193, born 1980-11-30"]
    assert values(card) == values(reconcile.Reconciled(CARD[1])) and card.reasons == []


def test_values_that_may_be_the_cards_misread_or_are_not_one_persons_stay_for_the_vote():
    def application(id_number, born, name="NGUYỄN VIẾT GIA TOÀN"):
        return ("application_letter", [field("full_name", name), field("id_number", id_number),
                                       field("date_of_birth", born)])

    cases = [application("079080144793", "1988-11-30"),  # the card's ID a digit apart: a misreading
             application("052319458906", "1980-11-30"),  # the card's birth date
             application("052319458906", "2018-08-09"),  # not one person's: the ID says 2019
             application("052319458906", "2019-08-09", name="TRẦN THỊ BÌNH")]  # another citizen's document
    for document in cases:
        application_read, _ = from_the_card(document, CARD)
        assert not any("another person's" in reason for reason in application_read.reasons)
        assert values(application_read)["id_number"] != "079080144193" or document is cases[0]
    typed = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"),
                                    dataclasses.replace(field("id_number", "052319458906"), source=OPERATOR),
                                    field("date_of_birth", "2019-08-09")])
    application_read, _ = from_the_card(typed, CARD)
    assert values(application_read)["id_number"] == "052319458906"


def test_the_card_gives_the_gender_an_applicants_document_did_not_read_and_only_that():
    card = ("citizen_id_card", [*CARD[1], field("gender", "Nam")])
    unticked = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN")])
    application, _ = from_the_card(unticked, card)
    taken = {f.name: f for f in application.fields}["gender"]
    assert taken.value == "Nam" and taken.details["check"].startswith("not read on this document; taken from")
    read = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("gender", "Nữ")])
    application, _ = from_the_card(read, card)
    assert values(application)["gender"] == "Nữ"  # read on the document: a human compares, nothing replaces it
    stranger = ("application_letter", [field("full_name", "TRẦN THỊ BÌNH")])
    application, _ = from_the_card(stranger, card)
    assert "gender" not in values(application)
    # a father given his daughter's ID: the gender her ID gave goes with it, his card's comes
    daughters = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "052319458906"),
                                        field("date_of_birth", "2019-08-09"),
                                        dataclasses.replace(field("gender", "Nữ"), details={"from": "id_number"})])
    application, _ = from_the_card(daughters, card)
    assert values(application)["gender"] == "Nam"


def test_applicant_in_the_catalog_is_true_or_false(tmp_path):
    from tests.conftest import shipped_catalog_error

    assert "applicant must be true or false" in shipped_catalog_error(tmp_path, "applicant = true",
                                                                      "applicant = \"yes\"")


def test_a_dossier_filed_end_to_end_gives_an_application_whose_values_did_not_read_the_cards(dossier, tmp_path):
    folder = tmp_path / "hồ sơ"
    folder.mkdir()
    render(folder / "1.png", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ĐƠN ĐỀ NGHỊ", "Kính gửi: Ủy ban nhân dân Phường 1",
                              "Họ và tên: ...................................................",
                              "Số định danh cá nhân: ........................................",
                              "Địa chỉ: 12 Lý Tự Trọng, Phường Bến Nghé, Quận 1"])
    render(folder / "2.png", ["CĂN CƯỚC CÔNG DÂN", "Số / No.: 079080144193", "Họ và tên / Full name:",
                              "NGUYỄN VIẾT GIA TOÀN", "Ngày sinh / Date of birth: 30/11/1980", "Giới tính / Sex: Nam"])
    assert dossier("ingest", str(folder)).code == 0
    [batch] = dossier("batches", "--json").json()
    letter, card = [dossier("show", str(doc), "--json").json() for doc in batch["documents"]]
    assert (letter["doc_type"], card["doc_type"]) == ("application_letter", "citizen_id_card")
    assert letter["fields"]["full_name"] == "NGUYỄN VIẾT GIA TOÀN"
    assert letter["fields"]["id_number"] == "079080144193"
    assert "full_name to check: not read on this document; taken from the dossier's identity card " \
           "(citizen_id_card #2)" in letter["review_reasons"]


def citizen(type_id: str, name: str, id_number: str, born: str = "1974-11-17") -> tuple[str, list[ExtractedField]]:
    return (type_id, [field("full_name", name), field("id_number", id_number), field("date_of_birth", born)])


def test_a_name_with_one_syllable_misread_into_another_takes_the_majoritys_when_the_id_says_it_is_the_same_citizen():
    # ĐỒNG for ĐĂNG, OANH read ANH: each a syllable and a name of its own, so no validator objects
    receipt, application, card = reconcile.reconcile([
        citizen("dossier_receipt", "PHẠM ĐĂNG TƯỞNG", "049074665254"),
        citizen("application_letter", "PHẠM ĐỒNG TƯỞNG", "049074665254"),
        citizen("citizen_id_card", "PHẠM ĐĂNG TƯỞNG", "049074665254")])
    assert values(application)["full_name"] == "PHẠM ĐĂNG TƯỞNG"
    fixed = {f.name: f for f in application.fields}["full_name"]
    assert fixed.details["reconciled_from"] == "PHẠM ĐỒNG TƯỞNG"
    assert values(receipt)["full_name"] == values(card)["full_name"] == "PHẠM ĐĂNG TƯỞNG"
    # an ID a digit apart (misread on one of them) still names the same citizen
    _, application, _ = reconcile.reconcile([
        citizen("dossier_receipt", "TRẦN ÁNH OANH", "079185123456"),
        citizen("application_letter", "TRẦN ÁNH ANH", "079185123486"),
        citizen("citizen_id_card", "TRẦN ÁNH OANH", "079185123456")])
    assert values(application)["full_name"] == "TRẦN ÁNH OANH"


def test_a_name_a_syllable_apart_on_another_citizens_document_is_left_as_read():
    # twins registered in one dossier: the same birth date, names a letter apart, their own IDs
    twin_a = citizen("birth_certificate", "NGUYỄN MINH ANH", "079222000111", "2022-05-01")
    twin_b = citizen("birth_certificate", "NGUYỄN MINH AN", "079222000999", "2022-05-01")
    application = citizen("birth_registration_form", "NGUYỄN MINH ANH", "079222000111", "2022-05-01")
    _, after_b, _ = reconcile.reconcile([twin_a, twin_b, application])
    assert values(after_b)["full_name"] == "NGUYỄN MINH AN"
    # the same ID, but two syllables read otherwise: not a misreading of one syllable
    _, other, _ = reconcile.reconcile([
        citizen("dossier_receipt", "PHẠM ĐĂNG TƯỞNG", "049074665254"),
        citizen("application_letter", "PHẠM ĐỒNG TƯỚC", "049074665254"),
        citizen("citizen_id_card", "PHẠM ĐĂNG TƯỞNG", "049074665254")])
    assert values(other)["full_name"] == "PHẠM ĐỒNG TƯỚC"


# An application whose ID was set aside for another year than its birth date's ("10/3/1983" beside
# 079080144193): one of the two is misread, and the document cannot say which
SET_ASIDE_ID = {"id_number": ["079080144193"]}
MISREAD_YEAR = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"),
                                        field("date_of_birth", "1983-03-10")])
CARD_WITHOUT_BIRTH_DATE = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"),
                                               field("id_number", "079080144193")])


def test_extraction_leaves_an_id_set_aside_for_the_birth_dates_year_to_the_dossier():
    text = "ĐƠN ĐỀ NGHỊ\nHọ và tên: NGUYỄN VIẾT GIA TOÀN\nNgày, tháng, năm sinh: 10/3/1983\nSố CCCD: {}"
    reading = read_document([PageText(0, 1, text.format("079080144193"), 90.0, "ocr", [])],
                            CATALOG.get("application_letter"))
    assert "id_number" not in {f.name for f in reading.fields} and reading.candidates == SET_ASIDE_ID
    # an ID with a problem of its own (no province 999) is no reading for the dossier to take
    reading = read_document([PageText(0, 1, text.format("999080144193"), 90.0, "ocr", [])],
                            CATALOG.get("application_letter"))
    assert reading.candidates == {}


def test_an_id_set_aside_for_the_birth_dates_year_that_the_card_reads_too_is_taken_and_the_birth_date_is_not():
    letter, _ = reconcile.reconcile([MISREAD_YEAR, CARD_WITHOUT_BIRTH_DATE], candidates=[SET_ASIDE_ID, {}])
    assert values(letter) == {"full_name": "NGUYỄN VIẾT GIA TOÀN", "id_number": "079080144193"}
    taken = {f.name: f for f in letter.fields}["id_number"]
    assert taken.details["agreed_by"] == ["citizen_id_card #2"] and taken.confidence == reconcile.CHOSEN_CONFIDENCE
    assert letter.reasons == ["date_of_birth unreadable: read 1983-03-10 (not the year of the id_number 079080144193 "
                              "read here and on citizen_id_card #2)"]
    # the card that prints the birth date gives it, as to any applicant's document that lost one
    letter, _ = reconcile.reconcile([MISREAD_YEAR, CARD], candidates=[SET_ASIDE_ID, {}],
                                    applicants=[("full_name", "id_number", "date_of_birth"), ()],
                                    identity_cards=[False, True])
    assert values(letter)["date_of_birth"] == "1980-11-30" and values(letter)["id_number"] == "079080144193"


def test_an_id_set_aside_is_not_taken_when_no_other_document_reads_it_or_the_birth_date_was_typed():
    other_number = ("citizen_id_card", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"), field("id_number", "079080144199")])
    typed = ("application_letter", [field("full_name", "NGUYỄN VIẾT GIA TOÀN"),
                                    dataclasses.replace(field("date_of_birth", "1983-03-10"), source=OPERATOR)])
    someone_else = ("citizen_id_card", [field("full_name", "TRẦN THỊ MAI"), field("id_number", "079080144193")])
    for documents in ([MISREAD_YEAR, other_number], [typed, CARD_WITHOUT_BIRTH_DATE], [MISREAD_YEAR, someone_else]):
        letter, _ = reconcile.reconcile(documents, candidates=[SET_ASIDE_ID, {}])
        assert "id_number" not in values(letter) and "date_of_birth" in values(letter) and not letter.reasons
    letter, _ = reconcile.reconcile([MISREAD_YEAR, CARD_WITHOUT_BIRTH_DATE], candidates=[{}, {}])
    assert values(letter)["date_of_birth"] == "1983-03-10" and "id_number" not in values(letter)


def test_a_dossier_filed_end_to_end_takes_the_id_its_card_reads_over_an_applications_misread_birth_year(
        dossier, tmp_path):
    # the card's birth date line was lost (never rendered): the card cannot say which year is right
    shown = file_application_and_card(dossier, tmp_path, "Ngày sinh: 30/11/1983. Số CCCD: 079080144193", [])
    letter = next(d for d in shown if d["doc_type"] == "application_letter")
    assert letter["fields"]["id_number"] == "079080144193"
    assert "date_of_birth" not in letter["fields"]
    assert "date_of_birth unreadable: read 1983-11-30 (not the year of the id_number 079080144193 read here and " \
           "on citizen_id_card #2)" in letter["review_reasons"]
