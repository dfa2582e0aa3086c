"""Text-layer trust: an embedded layer replaces OCR only when it is good Vietnamese covering the
page; garbled, letter-spaced and stamp-only layers are OCR'd, and the reason is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import LimitSettings
from pipeline.domain import LayerPage, LayerWord
from pipeline.stages import rasterize
from pipeline.stages.textlayer import judge
from pipeline.stages.vietnamese import syllables
from pipeline.stages.vietnamese.syllables import syllable_key, vietnamese_syllables
from tests.conftest import corpus_file

DECREE = ("CHÍNH PHỦ\nSố: 45/2026/NĐ-CP\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
          "NGHỊ ĐỊNH\nQuy định về thủ tục hành chính trong lĩnh vực hộ tịch, quốc tịch và chứng thực. "
          "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025; theo đề nghị của Bộ trưởng Bộ Tư pháp; "
          "Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Hộ tịch.")
STRIPPED = ("UBND THANH PHO DA NANG CONG HOA XA HOI CHU NGHIA VIET NAM Doc lap - Tu do - Hanh phuc "
            "SO GIAO DUC VA DAO TAO So: 463 SGDDT-CTrTT Da Nang, ngay 24 thang 5 nam 2019 "
            "V/v bao dam trat tu an toan giao thong cho hoc sinh sinh vien trong dip nghi he")
GARBLED_SCANNER = "UBND THANH PHO DA NANG CONG Hcok xA HQI CHiJ NGHiA VIVT NAM Dc 1p - Ty do - Hph phtic"
STAMP = "Ký bởi: CỤC THUẾ Địa chỉ: 1A Nguyễn Công Trứ, Hai Bà Trưng, Hà Nội Thời gian ký: 08.04.2026 17:35"


def page(text: str, *, image_share: float = 0.0, top: float = 60.0, bottom: float = 780.0) -> LayerPage:
    """A layer whose words run evenly from `top` to `bottom` of an A4 page."""
    tokens = text.split()
    step = (bottom - top) / max(1, len(tokens))
    words = [LayerWord(t, 50.0, top + i * step, 90.0, top + i * step + 10) for i, t in enumerate(tokens)]
    return LayerPage(text=text, words=words, width=595.0, height=842.0, image_share=image_share)


class TestGoodTextIsTrusted:
    def test_a_born_digital_vietnamese_page_is_trusted(self) -> None:
        verdict = judge(page(DECREE))
        assert verdict.trusted and verdict.reason == "good Vietnamese text"
        assert verdict.figures["known_share"] > 0.9 and verdict.figures["marked_share"] > 0.6

    def test_a_short_born_digital_page_is_trusted_however_little_it_covers(self) -> None:
        assert judge(page("PHỤ LỤC I\nMẫu tờ khai đăng ký khai sinh", top=60, bottom=90)).trusted

    def test_a_scanned_page_with_a_good_layer_over_all_of_it_is_trusted(self) -> None:
        verdict = judge(page(DECREE, image_share=1.0))
        assert verdict.trusted and "scanned" in verdict.reason

    def test_old_and_new_tone_placement_are_the_same_syllable(self) -> None:
        assert syllable_key("hoà") == syllable_key("hòa") and syllable_key("Thuỷ") == syllable_key("thủy")
        assert syllable_key("hòa") in vietnamese_syllables()


class TestBadLayersAreOcrd:
    @pytest.mark.parametrize("text", [STRIPPED, GARBLED_SCANNER], ids=["diacritics stripped", "scanner OCR"])
    def test_a_garbled_layer_is_not_trusted(self, text: str) -> None:
        verdict = judge(page(text, image_share=1.0))
        assert not verdict.trusted and verdict.reason.startswith("garbled text")

    def test_an_english_layer_is_not_taken_for_vietnamese(self) -> None:
        verdict = judge(page("This is a multi page document. Page 1. The quick brown fox jumps over the lazy dog."))
        assert not verdict.trusted and verdict.reason.startswith("garbled text")

    def test_a_letter_spaced_layer_is_not_trusted(self) -> None:
        heading = "Đ Ạ I  H Ọ C  Đ À  N Ẵ N G\nT R Ư Ờ N G  Đ Ạ I  H Ọ C  B Á C H  K H O A\n"
        verdict = judge(page(heading + " ".join([DECREE] * 3)))  # a good body under a letter-spaced heading
        assert not verdict.trusted and verdict.reason.startswith("letter-spaced")

    def test_a_signature_stamp_on_a_scanned_page_is_not_trusted(self) -> None:
        verdict = judge(page(STAMP, image_share=1.0, top=700, bottom=740))
        assert not verdict.trusted and "stamp or signature" in verdict.reason
        assert verdict.figures["coverage"] < 0.1

    def test_a_page_without_text_has_no_layer(self) -> None:
        assert judge(page("  \n ")).reason == "no text layer"

    def test_the_verdict_details_hold_the_decision_and_its_figures(self) -> None:
        details = judge(page(STRIPPED)).as_details()
        assert details["used"] is False and details["reason"].startswith("garbled")
        figures = {"words", "known_share", "marked_share", "single_letter_share", "coverage", "image_share"}
        assert figures <= set(details)


class TestTheShippedWordList:
    def test_it_holds_vietnamese_syllables_and_not_their_stripped_spellings(self) -> None:
        syllables = vietnamese_syllables()
        assert len(syllables) > 5000
        for word in ("nguyễn", "người", "việt", "nghĩa", "quyết", "hạnh", "phúc"):
            assert syllable_key(word) in syllables, word
        for stripped in ("nguoi", "viet", "dien", "phuc", "duc"):
            assert syllable_key(stripped) not in syllables, stripped

    def test_it_ships_with_the_package_and_says_where_it_comes_from(self) -> None:
        head = syllables.WORDLIST.read_text(encoding="utf-8").splitlines()[:2]
        assert syllables.WORDLIST.parent.name == "data" and "Apache-2.0" in " ".join(head)


def verdicts(path: Path) -> dict[int, dict]:
    """Per page, the verdict rasterize records (judged without rendering a page)."""
    return {info.number: verdict.as_details() for info, _, verdict in rasterize.judge_pdf_pages(path, LimitSettings())}


class TestRealCorpusFiles:
    def test_the_born_digital_decree_is_trusted_on_every_page(self) -> None:
        found = verdicts(corpus_file("vn-admin-scans/RAG_TongHopVBHC/pdf/"
                                     "45_2026_ND-CP_616621 nghi dinh thay the 73 82 04Text.pdf"))
        assert len(found) == 55 and all(v["used"] for v in found.values())

    def test_a_born_digital_citizen_form_is_trusted(self) -> None:
        found = verdicts(corpus_file("vn-form-templates/KLTN-DocFilling/PDF/cccd.pdf"))
        assert found[1]["used"] and found[2]["used"]

    @pytest.mark.parametrize("name", ["1.pdf", "3.pdf"])
    def test_scans_with_the_scanners_stripped_ocr_layer_are_ocrd(self, name: str) -> None:
        found = verdicts(corpus_file(f"vn-admin-scans/VietAdmin-OCR-LLM-RAG/{name}"))
        assert found and all(not v["used"] and v["reason"].startswith("garbled") for v in found.values())

    @pytest.mark.parametrize("name", ["2191_CT-CS.pdf", "464-ttg.signed.pdf"])
    def test_signed_scans_whose_only_text_is_the_signature_stamp_are_ocrd(self, name: str) -> None:
        found = verdicts(corpus_file(f"vn-admin-scans/RAG_TongHopVBHC/pdf/{name}"))
        assert "stamp or signature" in found[1]["reason"]
        assert not any(v["used"] for v in found.values())

    def test_a_letter_spaced_layer_is_ocrd(self) -> None:
        found = verdicts(corpus_file("vn-admin-scans/RAG_TongHopVBHC/pdf/Bai_Thuc_Hanh_LTM-So2.pdf"))
        assert all(not v["used"] for v in found.values())
        assert any(v["reason"].startswith("letter-spaced") for v in found.values())
