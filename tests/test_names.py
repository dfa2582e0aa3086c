"""Name post-correction: the OCR misreadings of capitals with stacked marks are repaired,
real names are never changed, and the interface the field extractor calls stays as it is."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.stages.vietnamese.names import NameCorrection, correct_name, load_lexicon, mark_distance
from pipeline.textnorm import fold, nfc


class TestTheKnownMisreadingsAreRepaired:
    @pytest.mark.parametrize(("read_as", "printed"), [
        ("LỄ VĂN AN", "LÊ VĂN AN"),
        ("HƯỲNH THỊ MAI", "HUỲNH THỊ MAI"),
        ("ĐĂNG VĂN ĐỨC", "ĐẶNG VĂN ĐỨC"),
        ("NGUYÊN THỊ HÀ", "NGUYỄN THỊ HÀ"),
        ("DẶNG THỊ THU", "ĐẶNG THỊ THU"),  # Đ read as D
        ("TRẦN THI MAI", "TRẦN THỊ MAI"),  # the dot below lost
        ("PHẠM VAN AN", "PHẠM VĂN AN"),
        ("NGUYỄN THỊ NGUYẸT", "NGUYỄN THỊ NGUYỆT"),  # not a Vietnamese syllable at all
        ("TU TUYET NGOC TAM", "TỪ TUYẾT NGỌC TÂM"),  # every mark lost: TAM is a syllable, no name
        ("ÔNG DIỄM NHU", "ÔNG DIỄM NHƯ"),  # a bare given name with the letters of a known one
    ])
    def test_a_misread_name_is_put_right(self, read_as: str, printed: str) -> None:
        result = correct_name(read_as)
        assert result == NameCorrection(printed, changed=True, confidence=result.confidence)
        assert 0 < result.confidence < 1

    def test_the_case_of_the_printed_name_is_kept(self) -> None:
        assert correct_name("Lễ Văn An").name == "Lê Văn An"
        assert correct_name("nguyên thị hà").name == "nguyễn thị hà"

    def test_a_decomposed_reading_is_repaired_to_nfc(self) -> None:
        decomposed = "NGUYÊN THỊ HÀ".replace("Ê", "E\u0302")
        assert correct_name(decomposed).name == nfc("NGUYỄN THỊ HÀ")


class TestRealNamesAreLeftAlone:
    @pytest.mark.parametrize("name", [
        "NGUYỄN VĂN AN", "Lê Thị Hồng Nhung", "TÔN NỮ THỊ LAN", "ĐẶNG VĂN ĐĂNG",  # Đăng: a given name
        "NGUYỄN VĂN NGUYÊN",  # Nguyên: a given name, not a misread surname
        "NGUYỄN LÊ ANH THƯ",  # a mother's surname in the middle
        "LÊ HOÀ", "LÊ HÒA",  # either tone placement
    ])
    def test_a_name_of_the_lexicon_is_unchanged_and_sure(self, name: str) -> None:
        assert correct_name(name) == NameCorrection(name, changed=False, confidence=1.0)

    def test_a_rare_given_name_missing_from_the_lexicon_is_not_made_common(self) -> None:
        # DỤ is a Vietnamese syllable and a name; the lexicon's DU must not replace it.
        result = correct_name("KHÚC THỪA DỤ")
        assert result.name == "KHÚC THỪA DỤ" and not result.changed and result.confidence <= 0.5

    def test_a_bare_given_name_of_the_lexicon_keeps_its_bare_spelling(self) -> None:
        # HOA and THU are names without marks: the bare reading is not taken for HÒA or THỤ.
        assert correct_name("NGUYỄN VĂN HOA").name == "NGUYỄN VĂN HOA"
        assert correct_name("TRẦN THỊ THU").name == "TRẦN THỊ THU"

    @pytest.mark.parametrize(("read_as", "printed"), [
        ("MAI THỤ NGỌC", "MAI THU NGỌC"),  # THỤ is a given name, not a middle one
        ("TRẦN THU MINH GIẠNG", "TRẦN THU MINH GIANG"),  # GIẠNG is a syllable but no name
    ])
    def test_a_leader_dot_under_a_letter_is_taken_off_on_a_dotted_line(self, read_as: str, printed: str) -> None:
        assert correct_name(read_as, dotted=True).name == printed
        assert correct_name(read_as).name == read_as  # without leader dots, the dot is the name's

    def test_a_name_with_its_own_dot_below_keeps_it_on_a_dotted_line(self) -> None:
        for name in ("NGUYỄN THỊ NGỌC HẠNH", "PHẠM VĂN ĐẠT", "LÊ THỤC ĐOAN"):
            assert correct_name(name, dotted=True).name == name

    @pytest.mark.parametrize(("read_as", "printed"), [
        ("W@UYÊN TÚ HẢO", "NGUYỄN TÚ HẢO"),  # two letters misread, one of them as no letter
        ("WÑGUXÊN TẤN HIỂN", "NGUYỄN TẤN HIỂN"),  # a letter glued on, another misread
    ])
    def test_a_long_family_name_damaged_in_two_letters_is_the_one_family_name_that_close(self, read_as, printed):
        corrected = correct_name(read_as)
        assert corrected.name == printed and corrected.changed and corrected.confidence < 0.7

    @pytest.mark.parametrize("read_as, printed", [
        ("KIGU QUANG ĐỊNH", "KIỀU QUANG ĐỊNH"),  # the capital with stacked marks read as another letter
        ("TRẦN THỊ HƯỜMG", "TRẦN THỊ HƯƠNG"),  # a letter misread, one mark beside it
    ])
    def test_a_misread_letter_is_repaired_whatever_marks_it_carried(self, read_as, printed):
        assert correct_name(read_as).name == printed

    @pytest.mark.parametrize("read_as, printed", [
        ("FÔ VĂN NHẬT HOÀNG", "TÔ VĂN NHẬT HOÀNG"),  # Tô, Hồ, Đỗ and Võ are a letter from FÔ; Tô alone has its marks
        ("TRẦN BÍGH VY", "TRẦN BÍCH VY"),  # Bích and Bình: Bích alone has the sắc the engine saw
        ("TRẦN BIGH VY", "TRẦN BIGH VY"),  # read without marks: nothing chooses between them
        ("LÊ HUỲNH QẠNH", "LÊ HUỲNH QẠNH"),  # Hạnh and Mạnh both carry the nặng
    ])
    def test_among_names_a_letter_away_the_one_with_the_marks_read_is_taken(self, read_as, printed):
        assert correct_name(read_as).name == printed

    @pytest.mark.parametrize("read_as, printed", [
        ("TRỒN GIA HOÀNG", "TRẦN GIA HOÀNG"),  # a syllable, but no name: Trần has its marks, Tôn not
        ("RẦN BÍCH HUỲNH", "TRẦN BÍCH HUỲNH"),  # its first letter lost
        ("Õ VĂN HOÀNG CỬ", "VÕ VĂN HOÀNG CỬ"),  # Võ and Đỗ are a letter away; Võ alone has just the ngã
        ("DIỄM HỶ", "DIỄM HỶ"),  # a name of another position: the family name was lost, not misread
        ("GUYÊN NGỌC NGUYỆT", "GUYÊN NGỌC NGUYỆT"),  # Nguyễn carries a tone the reading does not
        ("TRỒN", "TRỒN"),  # a lone word: no position to say it is a family name
    ])
    def test_a_first_syllable_that_is_no_name_is_the_family_name_a_letter_away_with_its_marks(self, read_as, printed):
        assert correct_name(read_as).name == printed

    def test_a_misread_letter_with_other_marks_changed_too_is_left_as_read(self):
        # KỈGU: one letter from KIỀU, but the I's own mark would change as well
        assert correct_name("KỈGỦ QUANG ĐỊNH").name == "KỈGỦ QUANG ĐỊNH"

    @pytest.mark.parametrize("read_as", [
        "LX VĂN AN",  # a short family name is two edits from many
        "XYZQW VĂN AN",  # far from every family name
        "VĂN W@UYÊN",  # a given name is no closed list
        "W@UYÊN",  # a lone word: no position to say it is a family name
    ])
    def test_other_damaged_words_are_left_as_read(self, read_as):
        assert correct_name(read_as).name == read_as

    @pytest.mark.parametrize("read_as, printed", [
        ("V Ú THẾ KHƯƠNG", "VŨ THẾ KHƯƠNG"),  # split after its first letter, then its mark repaired
        ("NGUYỄN K HÁNH LINH", "NGUYỄN KHÁNH LINH"),
        ("H OÀNG ANH", "HOÀNG ANH"),
    ])
    def test_a_syllable_split_after_its_first_letter_is_joined_again(self, read_as, printed):
        assert correct_name(read_as).name == printed

    @pytest.mark.parametrize("read_as, printed", [
        ("Lê Than h Hải", "Lê Thanh Hải"),  # split before its last letter
        ("Nguyễn Thành h", "Nguyễn Thành h"),  # Thànhh is no syllable: left
    ])
    def test_a_syllable_split_before_its_last_letter_is_joined_again(self, read_as, printed):
        assert correct_name(read_as).name == printed

    @pytest.mark.parametrize("read_as, printed", [
        ("ÑGU YÊN VIẾT MINH", "NGUYỄN VIẾT MINH"),  # split in two, its tone on the N: the lexicon's spelling
        ("Ngu yễn Văn An", "Nguyễn Văn An"),
        ("NGU YÊN AN", "NGU YÊN AN"),  # one syllable would be left after it: left as read
        ("HỒ ANG ANH THƯ", "HỒ ANG ANH THƯ"),  # HỒ is a family name itself (and HỒANG folds to HOÀNG)
    ])
    def test_a_family_name_split_in_two_is_joined_again(self, read_as, printed):
        corrected = correct_name(read_as)
        assert corrected.name == printed
        assert corrected.confidence < 1.0 or printed == read_as

    @pytest.mark.parametrize("read_as, printed", [
        ("PHẠM HUỲ NH CHI", "PHẠM HUỲNH CHI"),  # a final of two consonants set apart
        ("Lê Tha nh Hải", "Lê Thanh Hải"),
        ("NGUYỄN NG", "NGUYỄN NG"),  # nothing it would make a syllable with
        ("PHẠM HUỲ nh CHI", "PHẠM HUY nh CHI"),  # not in the word's case: not joined (HUỲ corrected alone)
    ])
    def test_a_final_of_two_consonants_set_apart_is_joined_again(self, read_as, printed):
        assert correct_name(read_as).name == printed

    @pytest.mark.parametrize("read_as, printed", [
        ("TRẦN MỸ THUNGỌC", "TRẦN MỸ THU NGỌC"),  # the space between two syllables lost
        ("NGUYỄN HOÀNGMINH", "NGUYỄN HOÀNG MINH"),
        ("Nguyễn Thị Thungọc", "Nguyễn Thị Thu Ngọc"),  # in the word's case
        ("LÊ THỊOẠNH", "LÊ THỊOẠNH"),  # OẠNH is no name: not cut
        ("VÕ DLIYX HOÀNG ĐOÀN", "VÕ DLIYX HOÀNG ĐOÀN"),  # no cut gives two names
        ("NGUYỄN VĂN HOÀNG", "NGUYỄN VĂN HOÀNG"),  # a syllable (HOÀ|NG, HO|ÀNG…) is never cut
    ])
    def test_two_syllables_read_as_one_word_are_cut_where_both_are_names(self, read_as, printed):
        corrected = correct_name(read_as)
        assert corrected.name == printed
        if printed != read_as:  # a cut is a repair: an operator glances at it
            assert corrected.changed and corrected.confidence <= 0.7

    def test_a_lone_capital_after_a_name_in_capitals_is_not_joined_to_it(self):
        from pipeline.stages.vietnamese.names import rejoined
        assert rejoined(["NGUYỄN", "VĂN", "QUÝ", "C"]) == ["NGUYỄN", "VĂN", "QUÝ", "C"]  # "QUÝ C…": what follows
        assert rejoined(["NGUYỄN", "VĂN", "QUÝ", "c"]) == ["NGUYỄN", "VĂN", "QUÝ", "c"]

    @pytest.mark.parametrize("read_as", ["NGUYỄN X LAN ANH", "TRẦN V. AN"])
    def test_a_lone_letter_that_makes_no_syllable_with_the_next_word_is_not_joined(self, read_as):
        assert correct_name(read_as).name == read_as

    def test_initials_and_digits_pass_through(self) -> None:
        assert correct_name("NGUYỄN V. AN").name == "NGUYỄN V. AN"

    def test_spaces_are_squashed_without_counting_as_a_change(self) -> None:
        assert correct_name("  Nguyễn   Văn  An ") == NameCorrection("Nguyễn Văn An", changed=False, confidence=1.0)

    def test_an_empty_name_stays_empty(self) -> None:
        assert correct_name("") == NameCorrection("", changed=False, confidence=0.0)


class TestConfidence:
    def test_two_equally_close_names_lower_the_confidence(self) -> None:
        # HẢ is one mark from both Hà and Hạ (both surnames): the commoner is taken, less surely.
        assert correct_name("HẢ VĂN NAM") == NameCorrection("HÀ VĂN NAM", changed=True, confidence=0.6)

    def test_marks_count_one_each(self) -> None:
        assert mark_distance("LỄ", "LÊ") == 1
        assert mark_distance("HƯỲNH", "HUỲNH") == 1
        assert mark_distance("DẶNG", "ĐẶNG") == 1
        assert mark_distance("NGUYEN", "NGUYỄN") == 2  # circumflex and tone


class TestInterface:
    def test_the_result_is_a_frozen_dataclass_with_name_changed_confidence(self) -> None:
        result = correct_name("LỄ VĂN AN")
        assert [f.name for f in dataclasses.fields(NameCorrection)] == ["name", "changed", "confidence"]
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.name = "x"  # type: ignore[misc]

    def test_the_shipped_lexicon_is_nfc_and_has_the_common_names(self) -> None:
        lexicon = load_lexicon()
        for surname in ("Nguyễn", "Trần", "Lê", "Huỳnh", "Đặng"):
            assert surname in lexicon.surname.by_fold[fold(surname)]
        assert "Thị" in lexicon.middle.by_fold["thi"]
