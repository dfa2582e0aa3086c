"""Vietnamese normalisation: NFC everywhere, one accent folding that includes đ."""

import unicodedata

from pipeline.textnorm import DIGIT_LOOKALIKES, digits_for, fold, nfc, strip_marks, words


def test_fold_removes_tones_and_maps_d_with_stroke():
    assert fold("Đặng Thị Hà") == "dang thi ha"
    assert fold("ĐINH ĐỨC ĐẠT") == "dinh duc dat"
    assert fold("Nguyễn Văn Ân") == "nguyen van an"


def test_fold_is_the_same_for_decomposed_and_precomposed_input():
    decomposed = unicodedata.normalize("NFD", "Huỳnh Thị Lệ")
    assert decomposed != "Huỳnh Thị Lệ"
    assert fold(decomposed) == fold("Huỳnh Thị Lệ") == "huynh thi le"


def test_nfc_composes_marks_copied_out_of_word():
    decomposed = unicodedata.normalize("NFD", "Tờ khai đăng ký khai sinh")
    assert nfc(decomposed) == "Tờ khai đăng ký khai sinh"
    assert len(nfc(decomposed)) < len(decomposed)


def test_strip_marks_keeps_case():
    assert strip_marks("TRẦN Thị Bích") == "TRAN Thi Bich"


def test_words_keep_digits_and_diacritics():
    assert words("Số: 079219001234, họ tên: LÊ VĂN") == ["Số", "079219001234", "họ", "tên", "LÊ", "VĂN"]


def test_each_digit_look_alike_stands_for_digits_and_one_guess_takes_the_likeliest():
    assert all(readings.isdigit() for readings in DIGIT_LOOKALIKES.values())
    assert "0Z9I9OS5B2".translate(digits_for("ZIOSB")) == "0291905582"  # Z: a 2 before a 7; S: a 5 before an 8
