"""Vietnamese post-OCR correction: syllables are judged by their structure, the shipped model
prefers real text, and the corrector fixes marks only where the evidence is clear, never touching
digits, punctuation, names or pages without text, and saying what it changed."""

from __future__ import annotations

import gzip
import math
import random

import numpy as np
import pytest

from pipeline.stages.vietnamese import lm
from pipeline.stages.vietnamese.lm import (
    CorrectorSettings,
    OcrToken,
    Reading,
    correct_line,
    correct_page,
    load_model,
    page_summary,
)
from pipeline.stages.vietnamese.syllables import is_valid_syllable, marks_changed, syllable_key
from pipeline.textnorm import words
from tests.conftest import CORPUS

# Sentences in the style of the texts the model is for; written for these tests.
SENTENCES = (
    "công dân có quyền tự do cư trú theo quy định của pháp luật",
    "cơ quan đăng ký cư trú có trách nhiệm cập nhật thông tin về cư trú của công dân",
    "hồ sơ đăng ký thường trú gồm tờ khai thay đổi thông tin cư trú",
    "ủy ban nhân dân cấp xã có trách nhiệm hướng dẫn thủ tục đăng ký hộ tịch",
    "người đề nghị cấp giấy chứng nhận phải nộp đủ giấy tờ theo quy định",
)


def line(text: str, confidence: float = 80.0) -> list[OcrToken]:
    return [OcrToken(word, confidence) for word in text.split()]


def corrected(text: str, confidence: float = 80.0) -> str:
    tokens, _ = correct_line(line(text, confidence))
    return " ".join(t.text for t in tokens)


class TestSyllableStructure:
    @pytest.mark.parametrize("word", [
        "a", "ở", "của", "người", "nguyễn", "khuỷu", "giữa", "gì", "gìn", "quý", "quyết", "quỳnh", "xoong",
        "hoà", "hòa", "thuỷ", "thủy", "loé", "lóe",  # old and new tone placement both
        "Điều", "ĐIỀU", "hoạch", "thuở", "rượu", "khuya", "dẳng",  # "dẳng" is a syllable, only a rare one
    ])
    def test_a_well_formed_syllable_is_accepted(self, word: str) -> None:
        assert is_valid_syllable(word)

    @pytest.mark.parametrize("word", [
        "Đíều", "múôn",  # two tones
        "nguỹên", "qúy", "hòai", "truờng",  # tone on a letter neither style puts it on
        "tieng", "nguoi", "dieu",  # stripped spellings: iê and ươ need their marks
        "phuc", "tich", "hoàt",  # -c, -ch, -t take only sắc or nặng
        "ge", "ka", "ngi", "gìa",  # g/gh, c/k, ng/ngh spelling rules
        "UBND", "and", "with", "Iưu", "rnới", "", "2020", "l1",
    ])
    def test_a_malformed_word_is_rejected(self, word: str) -> None:
        assert not is_valid_syllable(word)

    def test_the_key_ignores_case_and_tone_placement(self) -> None:
        assert syllable_key("Hoà") == syllable_key("hòa") == syllable_key("HOÀ")
        assert syllable_key("thuỷ") == syllable_key("thủy")
        assert syllable_key("hoà") != syllable_key("hoa")

    def test_marks_changed_counts_tones_vowel_marks_and_the_crossed_d(self) -> None:
        assert marks_changed("hoà", "hòa") == 0
        assert marks_changed("tu", "tư") == 1
        assert marks_changed("nguyên", "nguyễn") == 1
        assert marks_changed("dẳng", "đăng") == 2


class TestTheShippedModel:
    def test_it_loads_and_says_how_it_was_built_without_a_date(self) -> None:
        model = load_model()
        header = " ".join(model.header)
        assert "Kneser-Ney" in header and "luat68_2020.md" in header and "discounts" in header
        assert not any(ch.isdigit() for ch in header.split("built by")[1].split(")")[0])
        assert len(model.words) > 5000 and len(model.pair_keys) > 50_000

    def test_the_data_file_is_small_enough_to_ship(self) -> None:
        assert lm.MODEL_FILE.stat().st_size < 3_000_000
        with gzip.open(lm.MODEL_FILE, "rt", encoding="utf-8") as fh:
            assert fh.readline().startswith("# vi_syllable_lm")

    @pytest.mark.parametrize("sentence", SENTENCES)
    def test_real_text_is_likelier_than_the_same_words_shuffled(self, sentence: str) -> None:
        model = load_model()
        words = sentence.split()
        real = model.sentence_logprob(words)
        rng = random.Random(7)
        for _ in range(5):
            shuffled = words[:]
            while shuffled == words:
                rng.shuffle(shuffled)
            assert real > model.sentence_logprob(shuffled) + 5

    @pytest.mark.parametrize("context", ["của", "công", "xyzzy", lm.BOS])
    def test_each_context_gives_a_probability_distribution(self, context: str) -> None:
        model = load_model()
        v = model.index[lm.BOS] if context == lm.BOS else model.id_of(context)
        ids = np.array([i for i, w in enumerate(model.words) if w not in (lm.BOS, lm.OOV)])
        total = float(np.exp(model.pair_matrix(np.array([v]), ids)).sum())
        assert total == pytest.approx(1.0, abs=0.01)

    def test_context_decides_between_spellings_of_the_same_letters(self) -> None:
        model = load_model()
        assert model.logprob("lý", "quản") > model.logprob("lý", "quẩn") + 3
        assert model.logprob("tịch", "hộ") > model.logprob("tích", "hộ")

    def test_vocabulary_membership_ignores_case_and_tone_placement(self) -> None:
        model = load_model()
        assert model.is_known("Của") and model.is_known("HOÀ") and model.is_known("hòa")
        assert not model.is_known("UBND") and not model.is_known("2020") and not model.is_known("Đíều")


class TestDigitsAndPunctuationNeverChange:
    @pytest.mark.parametrize("token", ["2O2O", "l1", "Đ1ều", "68/2020/QH14", "0l", "1O.", "số1"])
    def test_a_token_with_a_digit_is_left_exactly_as_read(self, token: str) -> None:
        tokens, changes = correct_line([OcrToken("ngày", 50), OcrToken(token, 5), OcrToken("tháng", 50)])
        assert tokens[1].text == token and not changes

    def test_a_number_is_never_turned_into_another(self) -> None:
        text = "Điều 1O khoản 2 ngày 01/7/2O21 số 68/2020/QH14"
        assert corrected(text, 10) == text

    def test_punctuation_around_a_corrected_word_is_kept(self) -> None:
        assert corrected("về hộ tich, và quẩn lý.") == "về hộ tịch, và quản lý."
        assert corrected("(tich)") == "(tich)"  # a line that is one non-syllable is not text enough to judge

    def test_punctuation_tokens_are_never_changed(self) -> None:
        text = "- … ; : ( ) “ ” ........"
        assert corrected(text, 0) == text


class TestNothingIsInvented:
    def test_an_empty_page_gives_nothing(self) -> None:
        result = correct_page([])
        assert result.lines == () and result.changes == () and result.summary.words == 0

    def test_a_page_of_empty_lines_stays_empty(self) -> None:
        result = correct_page([[], []])
        assert result.lines == ((), ()) and result.changes == ()

    def test_an_empty_line_gives_an_empty_line(self) -> None:
        assert correct_line([]) == ([], [])

    def test_specks_and_dot_leaders_read_as_letters_are_left_alone(self) -> None:
        # What Tesseract reads in the dotted fill-in lines of a faxed form: not text.
        noise = "cuc cuc ch TH HT HỖ kh HH kh"
        assert corrected(noise, 5) == noise

    def test_a_line_of_list_markers_and_form_keys_is_left_alone(self) -> None:
        for text in ("a) b) c) đ) e)", "F....... G.......", "Chương IV", "Mục II"):
            assert corrected(text, 10) == text


class TestMisreadMarksAreRepaired:
    @pytest.mark.parametrize(("read_as", "printed"), [
        ("về hộ tich và", "về hộ tịch và"),  # no syllable at all: -ch with no tone
        ("Đíều 1. Phạm vi điều chỉnh", "Điều 1. Phạm vi điều chỉnh"),  # two tones
        ("thủ tục dẳng ký hộ tịch", "thủ tục đăng ký hộ tịch"),  # a syllable, but not after "thủ tục"
        ("quy đinh của pháp luật", "quy định của pháp luật"),
        ("có quyền tự do cư tru của công dân", "có quyền tự do cư trú của công dân"),
        ("quy định của pháp Iuật", "quy định của pháp luật"),  # I read for l
    ])
    def test_a_misread_word_with_a_clear_fix_is_fixed(self, read_as: str, printed: str) -> None:
        assert corrected(read_as) == printed

    def test_every_replacement_is_a_valid_syllable(self) -> None:
        for sentence in SENTENCES:
            read = lm.fold(sentence)  # every mark lost: the hardest case
            _, changes = correct_line(line(read, 40))
            assert changes
            assert all(is_valid_syllable(word) for c in changes for word in words(c.after))

    def test_each_change_is_recorded_with_position_reason_and_margin(self) -> None:
        tokens, changes = correct_line(line("Cơ sở dữ liệu hộ tich và quẩn lý nhà nước"))
        assert [(c.line, c.position, c.before, c.after) for c in changes] == [
            (0, 5, "tich", "tịch"), (0, 7, "quẩn", "quản")]
        assert changes[0].reason.startswith("not a syllable") and changes[1].reason.startswith("unlikely here")
        assert all(c.margin >= lm.DEFAULT_SETTINGS.margin for c in changes)
        assert [t.text for t in tokens][5] == "tịch"

    def test_changes_on_a_page_name_their_line(self) -> None:
        page = [line("Luật này quy định về"), line("quyền tự do cư tru của công dân")]
        result = correct_page(page)
        assert [(c.line, c.position, c.after) for c in result.changes] == [(1, 4, "trú")]
        assert result.lines[0] == tuple(page[0])

    def test_context_runs_across_the_end_of_a_line(self) -> None:
        # The same reading at the start of a line, after two different line ends.
        after_equality = correct_page([line("nguyên tắc bình"), line("dẳng")])
        after_procedure = correct_page([line("thủ tục"), line("dẳng ký")])
        assert [c.after for c in after_equality.changes] == ["đẳng"]
        assert [c.after for c in after_procedure.changes] == ["đăng"]


class TestConfidentReadingsStay:
    def test_a_known_syllable_read_with_high_confidence_is_kept(self) -> None:
        assert corrected("và quẩn lý nhà nước", 97) == "và quẩn lý nhà nước"

    def test_a_valid_confident_word_that_fits_its_place_is_kept(self) -> None:
        for sentence in SENTENCES:
            assert corrected(sentence, 90) == sentence

    def test_an_unlikely_but_plausible_word_read_with_confidence_needs_more_evidence(self) -> None:
        # "năm" and "nằm" both fit after "cũng"; a sure reading is not overruled by taste.
        assert corrected("cũng nằm trong", 90) == "cũng nằm trong"

    def test_stricter_settings_change_less(self) -> None:
        text = "Luat nay quy dinh ve quyen tu do cu tru cua cong dan"
        lenient = correct_line(line(text, 30))[1]
        strict = correct_line(line(text, 30), settings=CorrectorSettings(margin=8.0))[1]
        assert len(strict) < len(lenient)


class TestCaseIsKept:
    def test_capitals_stay_capitals(self) -> None:
        assert corrected("CỘNG HOÀ XÃ HỘI CHỦ NGHIA VIỆT NAM") == "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"

    def test_a_title_case_word_stays_title_case(self) -> None:
        assert corrected("Đíều 5. Hồ sơ") == "Điều 5. Hồ sơ"

    def test_lower_case_stays_lower_case(self) -> None:
        assert corrected("hộ tich") == "hộ tịch"

    def test_a_look_alike_capital_is_not_taken_for_a_capital(self) -> None:
        # "Lrong": t read as L in a 1-bit fax; the word is "trong", not "Trong".
        assert corrected("sinh sống Lrong khu vực") == "sinh sống trong khu vực"


class TestNamesAreNotMadeCommon:
    @pytest.mark.parametrize("text", [
        "Ông Nguyễn Văn Dụ sinh năm 1980",  # Dụ: a rare given name, a valid syllable
        "Họ và tên: NGUYỄN VĂN DỤ",
        "Bà Lê Thị Hạ cư trú tại",
        "NGUYỄN THỊ HẠ",
        "tại xã Hòa Đa, huyện Tuy Phong",  # place names in a lower-case sentence
    ])
    def test_a_capitalised_valid_syllable_inside_a_sentence_or_a_name_is_kept(self, text: str) -> None:
        assert corrected(text, 60) == text

    def test_a_capitalised_word_that_is_no_syllable_is_still_repaired(self) -> None:
        assert corrected("Họ và tên: Nguyễn Văn Đíều", 60) == "Họ và tên: Nguyễn Văn Điều"

    def test_a_sentence_opening_word_followed_by_lower_case_may_be_repaired(self) -> None:
        assert corrected("Nhũng quy định chung", 60) == "Những quy định chung"

    def test_a_word_followed_by_a_number_is_a_reference_not_a_name(self) -> None:
        assert corrected("Diều 5. Hồ sơ", 60) == "Điều 5. Hồ sơ"

    def test_a_heading_in_capitals_may_be_repaired(self) -> None:
        assert corrected("NHŨNG QUY ĐỊNH CHUNG", 60) == "NHỮNG QUY ĐỊNH CHUNG"

    def test_a_word_of_the_names_lexicon_is_kept_even_where_a_common_word_would_fit(self) -> None:
        # "Cần" is a given name; "Căn cứ" is the likelier reading, but names are not guessed at.
        assert corrected("Cần cứ Hiến pháp", 60) == "Cần cứ Hiến pháp"


class TestEngineAlternatives:
    def test_an_alternative_reading_is_taken_when_context_wants_it(self) -> None:
        # "phán luật" is two real words; the letters differ, so only the engine can offer "pháp".
        read = [OcrToken("theo", 90), OcrToken("quy", 90), OcrToken("định", 90), OcrToken("của", 90),
                OcrToken("phán", 60), OcrToken("luật", 90)]
        with_alternative = [*read[:4], OcrToken("phán", 60, (Reading("pháp", 55),)), read[5]]
        assert [t.text for t in correct_line(read)[0]][4] == "phán"
        tokens, changes = correct_line(with_alternative)
        assert tokens[4].text == "pháp" and "engine alternative" in changes[0].reason

    def test_lstm_symbol_choices_become_word_readings_on_the_engine_scale(self) -> None:
        choices = [[("p", 1.0)], [("h", 1.0)], [("á", 1.2)], [("n", 1.5), ("p", 3.5), ("m", 30.0)]]
        readings = lm.lstm_alternatives("phán", 80.0, choices)
        assert readings == (Reading("pháp", 70.0),)  # 2 rating units worse: 10 confidence points

    def test_the_step_of_the_space_before_a_word_is_not_a_symbol_of_it(self) -> None:
        choices = [[(" ", 0.5)], [("p", 1.0)], [("h", 1.0)], [("á", 1.2)], [("n", 1.5), ("p", 3.5)]]
        assert lm.lstm_alternatives("phán", 80.0, choices) == (Reading("pháp", 70.0),)

    def test_choices_that_do_not_line_up_with_the_word_give_nothing(self) -> None:
        assert lm.lstm_alternatives("phán", 80.0, [[("p", 1.0)], [("h", 1.0)]]) == ()


class TestBilingualLabels:
    @pytest.mark.parametrize("text", ["Họ và tên / Full name: ĐOÀN THỊ LAN", "Họ và tên/ Full name: ĐOÀN THỊ LAN"])
    def test_the_english_half_of_a_label_stays_english(self, text) -> None:
        assert correct_line(line(text))[1] == []  # "name" is one letter from "nam"

    def test_a_slash_without_a_label_after_it_does_not_stop_correction(self) -> None:
        tokens, _ = correct_line(line("tỉnh / thành phố về quẩn lý nhà nước"))
        assert tokens[5].text == "quản"


class TestNamesFromTheEngineAlternatives:
    """In a full name printed in capitals, a syllable that is no name is replaced by the engine's
    own alternative with the same letters when that one is a name; nothing else is."""

    @staticmethod
    def full_name(*tokens: OcrToken) -> list[OcrToken]:
        return [OcrToken("Họ", 97), OcrToken("và", 97), OcrToken("tên:", 93), *tokens]

    def test_a_mark_the_engine_hesitated_over_is_read_as_the_name(self) -> None:
        tokens, changes = correct_line(self.full_name(
            OcrToken("PHẠM", 92), OcrToken("THỊ", 96), OcrToken("THỦY", 90), OcrToken("HÀNG", 88, (Reading("HẰNG", 69),))))
        assert [t.text for t in tokens[3:]] == ["PHẠM", "THỊ", "THỦY", "HẰNG"]
        [change] = changes
        assert (change.before, change.after, change.position) == ("HÀNG", "HẰNG", 6) and "name" in change.reason

    def test_punctuation_around_the_name_is_kept(self) -> None:
        tokens, _ = correct_line([OcrToken("ông", 90), OcrToken("TRẦN", 95), OcrToken("VĂN", 95),
                                  OcrToken("THUY,", 80, (Reading("THÙY,", 60),))])
        assert tokens[3].text == "THÙY,"

    def test_a_syllable_that_is_a_name_stays_whatever_the_alternatives(self) -> None:
        # THỦY and THÙY are both names: which one was printed is for the eye, not for a rule.
        read = self.full_name(OcrToken("NGUYỄN", 93), OcrToken("THỊ", 96), OcrToken("THỦY", 87, (Reading("THÙY", 68),)))
        assert correct_line(read)[1] == []

    def test_an_alternative_with_other_letters_or_far_behind_is_not_taken(self) -> None:
        other_letters = self.full_name(OcrToken("VŨ", 97), OcrToken("VĂN", 93), OcrToken("HÀNG", 88, (Reading("HÙNG", 80),)))
        far_behind = self.full_name(OcrToken("VŨ", 97), OcrToken("VĂN", 93), OcrToken("HÀNG", 95, (Reading("HẰNG", 30),)))
        assert correct_line(other_letters)[1] == [] and correct_line(far_behind)[1] == []

    def test_a_capital_word_alone_or_in_a_heading_or_in_lower_case_is_not_a_name(self) -> None:
        alone = [OcrToken("số", 90), OcrToken("HÀNG", 88, (Reading("HẰNG", 69),)), OcrToken("hóa", 90)]
        lower = [OcrToken("mặt", 90), OcrToken("hàng", 70, (Reading("hằng", 69),)), OcrToken("hóa", 90)]
        assert correct_line(alone)[0][1].text == "HÀNG"
        assert correct_line(lower)[0][1].text == "hàng"
        heading = [OcrToken("DANH", 95), OcrToken("MỤC", 95), OcrToken("HÀNG", 88, (Reading("HẰNG", 69),)),
                   OcrToken("HÓA", 95)]
        assert correct_line(heading)[0][2].text == "HÀNG"  # a heading: the model decides, and keeps it


class TestPageSummary:
    def test_it_counts_valid_and_known_syllables_and_changes(self) -> None:
        result = correct_page([line("về hộ tich và quẩn lý nhà nước")])
        summary = result.summary
        assert summary.words == 8 and summary.changes == 2 == len(result.changes)
        assert summary.valid_share_before == pytest.approx(7 / 8) and summary.valid_share == 1.0
        assert summary.known_share == 1.0

    def test_a_garbled_reading_scores_worse_than_a_good_one(self) -> None:
        good = page_summary([line(s) for s in SENTENCES])
        garbled = page_summary([line(lm.fold(s).replace("o", "c")) for s in SENTENCES])
        assert good.valid_share > garbled.valid_share
        assert good.logprob_per_word > garbled.logprob_per_word
        assert math.isfinite(garbled.logprob_per_word)


class TestTheBuildScript:
    def test_a_missing_corpus_is_reported_with_the_remedy(self, tmp_path, capsys) -> None:
        from tools import build_syllable_lm

        assert build_syllable_lm.main(["--corpus", str(tmp_path), "--out", str(tmp_path / "lm.tsv.gz")]) == 2
        err = capsys.readouterr().err
        assert "development corpus not found" in err and "--corpus" in err
        assert not (tmp_path / "lm.tsv.gz").exists()

    @pytest.mark.slow
    def test_the_build_reproduces_the_shipped_file_byte_for_byte(self, tmp_path) -> None:
        if not CORPUS.is_dir():
            pytest.skip("../shared/corpus is absent (fresh clone without the development corpus)")
        from tools import build_syllable_lm

        out = tmp_path / "lm.tsv.gz"
        assert build_syllable_lm.main(["--corpus", str(CORPUS), "--out", str(out)]) == 0
        assert out.read_bytes() == lm.MODEL_FILE.read_bytes()

    def test_the_held_out_texts_are_not_in_the_training_texts(self) -> None:
        if not CORPUS.is_dir():
            pytest.skip("../shared/corpus is absent (fresh clone without the development corpus)")
        from tools import build_syllable_lm

        held_out = {t.name for t in build_syllable_lm.held_out_texts(CORPUS)}
        trained = {t.name for t in build_syllable_lm.training_texts(CORPUS)}
        assert any(name.endswith("luat68_2020.md") for name in held_out)
        assert len(held_out) > 5 and not held_out & trained
        noisy = [name for name in trained if name.rsplit("/", 1)[-1].startswith(("luat60", "nd"))]
        assert not noisy
