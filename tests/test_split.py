"""Splitting: one scan holding several documents is cut where a new document starts; one document stays whole."""

from __future__ import annotations

import shutil

import pytest

from pipeline.catalog import load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import PageText
from pipeline.stages import training
from pipeline.stages.split import split
from tests.conftest import SAMPLES, expected_samples

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


def pages(*texts: str) -> list[PageText]:
    return [PageText(0, i, t, 90.0, "ocr") for i, t in enumerate(texts, start=1)]


def sizes(texts: list[PageText]) -> list[int]:
    return [len(group) for group in split(texts, CATALOG)]


class TestWhereDocumentsStart:
    def test_a_dossier_scanned_at_once_is_cut_at_each_title(self):
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ\nTôi tên là: LÊ AN", "CĂN CƯỚC CÔNG DÂN\nSố / No.: 079090001234",
                           MOTTO + "GIẤY KHAI SINH\nHọ, chữ đệm, tên: LÊ BÌNH",
                           "ỦY BAN NHÂN DÂN PHƯỜNG 1\nGIẤY TIẾP NHẬN HỒ SƠ\nMã hồ sơ: H29.10-240312-0001")) == [1, 1, 1, 1]

    def test_pages_without_a_title_continue_the_document(self):
        assert sizes(pages(MOTTO + "GIẤY ỦY QUYỀN\nI. NGƯỜI ỦY QUYỀN:",
                           "Chúng tôi cam kết chấp hành đúng nội dung ủy quyền.\nNGƯỜI ỦY QUYỀN")) == [2]

    def test_a_section_heading_at_the_top_of_a_page_is_not_a_new_document(self):
        assert sizes(pages(MOTTO + "QUYẾT ĐỊNH\nVề việc trợ cấp xã hội\nCăn cứ Luật",
                           "QUYẾT ĐỊNH:\nĐiều 1. Trợ cấp xã hội hằng tháng")) == [2]

    def test_a_page_number_at_the_top_marks_a_continuation_even_under_a_motto(self):
        assert sizes(pages(MOTTO + "KẾ HOẠCH\nTriển khai Đề án 06", "- 2 -\n" + MOTTO + "III. TỔ CHỨC THỰC HIỆN")) \
            == [2]

    def test_an_official_letter_starts_at_its_v_v_line(self):
        assert sizes(pages(MOTTO + "ĐƠN XIN\nTôi tên là: LÊ AN",
                           "ỦY BAN NHÂN DÂN QUẬN 1\nSố: 45/UBND-VP\nV/v cải cách thủ tục hành chính")) == [1, 1]

    def test_a_motto_with_letters_misread_still_starts_a_document(self):
        damaged = "GỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT HÀM,\nĐộc lập - Tự da - Hạnh phúc\nHọ và tên: LÊ AN"
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ\nTôi tên là: LÊ AN", damaged)) == [1, 1]
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ", "QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI\nxã hội")) == [2]

    def test_a_title_behind_ocr_specks_starts_a_document(self):
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ", "ag ee\n, CĂN CƯỚC CÔNG DÂ\nSố / No.: 079090001234")) == [1, 1]

    def test_an_identity_card_back_starts_a_document_unless_its_front_came_just_before(self):
        back = "Đặc điểm nhân dạng / Personal identification\nIDVNM0900012345079090001234<<3\nLE<<AN<<<<<<<<"
        front = "CĂN CƯỚC CÔNG DÂN\nSố / No.: 079090001234\nHọ và tên / Full name: LÊ AN"
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ\nTôi tên là: LÊ AN", back)) == [1, 1]
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ", front, back, back)) == [1, 2, 1]
        leaders = "2. Nhà ở:\nMục đích sử dụng: Đất ở ........................---- -----+-<<+<<<<<s+"
        assert sizes(pages(MOTTO + "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT", leaders)) == [2]  # leaders read as <<<

    def test_printed_page_numbers_say_first_page_or_continuation(self):
        annex = "Bảng kê kèm theo hồ sơ\n1. Bản sao giấy khai sinh\nTrang 1/2"
        assert sizes(pages(MOTTO + "ĐƠN ĐỀ NGHỊ", annex, "2. Bản sao căn cước\nTrang 2/2")) == [1, 2]
        assert sizes(pages(MOTTO + "KẾ HOẠCH\nTriển khai", MOTTO + "III. TỔ CHỨC THỰC HIỆN\nTrang 2/3")) == [2]
        assert sizes(pages(MOTTO + "KẾ HOẠCH", MOTTO + "Nội dung\nTrang 7/3")) == [1, 1]  # a misread count

    def test_the_first_page_always_starts_a_document(self):
        assert sizes(pages("tiếp theo trang trước, không có tiêu đề", "vẫn tiếp theo")) == [2]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    """The model a fresh install trains on first use, trained once for this module's ingests."""
    path = training.model_path(tmp_path_factory.mktemp("model"))
    training.save(training.fit(training.shipped_examples(), CATALOG, cross_validate=False,
                               weights=training.shipped_weights()), path)
    return path


def ingest(dossier, model_file, *paths):
    (dossier.data_dir / "models").mkdir(exist_ok=True)
    shutil.copy(model_file, dossier.data_dir / "models" / training.MODEL_FILE)
    result = dossier("ingest", "--json", *map(str, paths))
    assert result.code == 0, result.err
    return [dossier("show", str(doc_id), "--json").json() for filed in result.json()["filed"]
            for doc_id in filed["documents"]]


class TestRealScans:
    """Real rendering, pdftoppm, Tesseract and store: what an operator's ingest does."""

    def test_a_scanned_dossier_of_three_documents_is_filed_as_three(self, dossier, model_file, tmp_path):
        from tools import make_labelled_set as labelled
        from tools import scanlib

        docs = [labelled.build("application_letter", 2, 7), labelled.build("citizen_id_card", 0, 7),
                labelled.build("birth_certificate", 1, 7)]
        images = [labelled.degrade(p.image, seed) for seed, d in enumerate(docs) for p in d.pages]
        pdf = tmp_path / "ho_so.pdf"
        scanlib.save_pdf(images, pdf, labelled.DPI)

        filed = ingest(dossier, model_file, pdf)
        assert [d["doc_type"] for d in filed] == [d.type for d in docs]
        assert [d["pages"] for d in filed] == [len(d.pages) for d in docs]
        for document, truth in zip(filed, docs):
            for name in ("full_name", "id_number", "date_of_birth"):
                if name in truth.fields:
                    assert document["fields"].get(name) == truth.fields[name], (truth.type, name)

    def test_a_folder_of_page_images_of_one_form_stays_one_document(self, dossier, model_file):
        expected = next(d for d in expected_samples()["dossiers"] if d["kind"] == "folder")
        filed = ingest(dossier, model_file, SAMPLES / expected["source"])
        assert len(filed) == 1 and filed[0]["pages"] == expected["pages"] == 2
        assert filed[0]["doc_type"] == expected["documents"][0]["type"]
        assert filed[0]["fields"]["gender"] == expected["documents"][0]["fields"]["gender"]
        assert filed[0]["fields"]["issue_date"] == expected["documents"][0]["fields"]["issue_date"]
