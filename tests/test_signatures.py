"""Signature blocks: the name under each signer's caption, the column its note was printed in."""

from __future__ import annotations

from pipeline.catalog import Role, load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import PageText, Word
from pipeline.stages.extract import read_document
from pipeline.stages.extract.signatures import signatures

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
CHAR = 20  # width of a character in these made-up word boxes
LINE = 60


def page_of(rows: list[list[tuple[int, str]]]) -> PageText:
    """A page whose row i holds each (x, text) at that x, one word box per word."""
    words, lines = [], []
    for index, row in enumerate(rows):
        texts = []
        for x, text in row:
            for word in text.split():
                words.append(Word(word, 95.0, x, 100 + LINE * index, CHAR * len(word), 40))
                x += CHAR * (len(word) + 1)
            texts.append(text)
        lines.append("   ".join(texts))
    return PageText(0, 1, "\n".join(lines), 95.0, "ocr", words)


TWO_SIGNERS = [
    [(100, "NGƯỜI ĐƯỢC ỦY QUYỀN"), (1000, "NGƯỜI ỦY QUYỀN")],
    [(100, "(Ký, ghi rõ họ tên)"), (1000, "(Ký, ghi rõ họ tên)")],
    [(150, "vÀ yWv"), (1050, "x~v*⁄")],
    [(150, "Hoàng Văn Thiên Đông"), (1050, "Trần Diễm Tiên")],
]


def test_each_block_gets_its_caption_role_and_the_lines_of_its_own_column():
    left, right = signatures(page_of(TWO_SIGNERS))
    assert (left.role, right.role) == (Role.AGENT, Role.MAIN)
    assert left.lines_below[-1] == "Hoàng Văn Thiên Đông"
    assert right.lines_below[-1] == "Trần Diễm Tiên"


def test_a_caption_above_a_neighbours_wrapped_caption_is_still_found():
    # the official's caption wraps onto two lines and a note; OCR reads them between the spouses'
    # captions and their notes, empty in the spouses' columns
    rows = [[(100, "Chồng"), (700, "Vợ"), (1300, "NGƯỜI KÝ GIẤY CHỨNG")], [(1300, "NHẬN KẾT HÔN")],
            [(1300, "(Ghi rõ họ, chữ đệm,")], [(100, "(Ký, ghi rõ họ tên)"), (700, "(Ký, ghi rõ họ tên)")],
            [(150, "Trần Văn Huy"), (750, "Lê Thu Kiều")]]
    official, husband, wife = signatures(page_of(rows))
    assert official.role is None  # an official's caption names nobody
    assert (husband.caption, husband.role, husband.lines_below) == ("Chồng", Role.MAIN, ("Trần Văn Huy",))
    assert (wife.caption, wife.role, wife.lines_below) == ("Vợ", Role.SPOUSE, ("Lê Thu Kiều",))


def test_a_name_beside_a_single_note_is_not_in_its_column():
    # the official's column has no note: the name under it is not the applicant's
    rows = [[(1000, "NGƯỜI LÀM ĐƠN")], [(100, "ỦY BAN NHÂN DÂN"), (1000, "(Ký và ghi rõ họ tên)")],
            [(150, "Võ Văn Hiển")]]
    (block,) = signatures(page_of(rows))
    assert block.role is Role.MAIN and block.lines_below == ()


def fields(rows, doc_type: str, body: list[str] = ()) -> dict:
    sheet = page_of([[(100, line)] for line in body] + rows)
    return {f.name: f for f in read_document([sheet], CATALOG.get(doc_type)).fields}


def test_the_signers_names_stand_in_for_names_their_labels_did_not_give():
    body = ["GIẤY ỦY QUYỀN", "Họ và tên: ...............", "Ngày sinh: 12/08/1975"]
    found = fields(TWO_SIGNERS, "power_of_attorney", body)
    assert found["full_name"].value == "TRẦN DIỄM TIÊN"
    assert found["full_name"].details["from"] == "signature"
    assert found["agent_name"].value == "HOÀNG VĂN THIÊN ĐÔNG"


def test_a_labelled_name_comes_before_the_signers():
    found = fields(TWO_SIGNERS, "power_of_attorney", ["GIẤY ỦY QUYỀN", "Họ và tên: TRẦN THỊ TÂM"])
    assert found["full_name"].value == "TRẦN THỊ TÂM"


def test_a_receipt_names_the_official_who_received_the_dossier():
    rows = [[(100, "NGƯỜI NỘP HỒ SƠ"), (1000, "NGƯỜI TIẾP NHẬN HỒ SƠ")],
            [(100, "(Ký, ghi rõ họ tên)"), (1000, "(Ký, ghi rõ họ tên)")],
            [(150, "VÕ THÙY NHẪN"), (1050, "NGUYỄN VĂN TRUNG")]]
    body = ["GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Tiếp nhận hồ sơ của: Ông/Bà VÕ THÙY NHẪN"]
    found = fields(rows, "dossier_receipt", body)
    assert found["full_name"].value == "VÕ THÙY NHẪN"  # the citizen, from the label
    assert found["receiver_name"].value == "NGUYỄN VĂN TRUNG"
    assert found["receiver_name"].details["from"] == "signature"


def test_an_officials_name_and_a_scribble_give_nobody_a_name():
    rows = [[(1000, "CHỦ TỊCH")], [(1000, "(Ký, ghi rõ họ tên, đóng dấu)")], [(1050, "Lê Thị Lụa")]]
    assert "full_name" not in fields(rows, "decision", ["QUYẾT ĐỊNH"])
    rows = [[(1000, "NGƯỜI LÀM ĐƠN")], [(1000, "(Ký và ghi rõ họ tên)")], [(1050, "uyên 7lị Nữiẫn")]]
    assert "full_name" not in fields(rows, "application_letter", ["ĐƠN ĐỀ NGHỊ"])


def test_two_blocks_of_one_role_that_disagree_give_none():
    rows = [[(100, "NGƯỜI LÀM ĐƠN"), (1000, "NGƯỜI LÀM ĐƠN")],
            [(100, "(Ký, ghi rõ họ tên)"), (1000, "(Ký, ghi rõ họ tên)")],
            [(150, "Lê Văn Tám"), (1050, "Trần Văn Chín")]]
    assert "full_name" not in fields(rows, "application_letter", ["ĐƠN ĐỀ NGHỊ"])


SPOUSES = [[(100, "Vợ"), (1000, "Chồng")], [(100, "(Ký, ghi rõ họ tên)"), (1000, "(Ký, ghi rõ họ tên)")],
           [(150, "Đặng Mỹ Kiều"), (1050, "Phan Đức Dương")]]


def test_spouses_signatures_follow_the_order_the_body_printed_them_in():
    body = ["GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên vợ: ......", "Họ, chữ đệm, tên chồng: ......"]
    found = fields(SPOUSES, "marriage_certificate", body)
    assert (found["full_name"].value, found["spouse_name"].value) == ("ĐẶNG MỸ KIỀU", "PHAN ĐỨC DƯƠNG")


def test_spouses_signatures_give_nothing_when_the_body_does_not_say_who_was_printed_first():
    found = fields(SPOUSES, "marriage_certificate", ["GIẤY CHỨNG NHẬN KẾT HÔN", "Họ, chữ đệm, tên vợ: ......"])
    assert "full_name" not in found and "spouse_name" not in found
