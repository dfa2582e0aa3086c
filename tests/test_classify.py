"""Classification: catalog rules and a learned model give one type with a calibrated confidence."""

from __future__ import annotations

import os

import pytest

from pipeline.catalog import OTHER, load_catalog
from pipeline.config import DEFAULT_CONFIG
from pipeline.domain import PageText
from pipeline.stages import training
from pipeline.stages.classify import classify, head_lines, marker_match, title_match
from pipeline.stages.review import review_reasons
from pipeline.stages.split import starts_document
from tests.conftest import corpus_file, shipped_catalog_error

CATALOG = load_catalog(DEFAULT_CONFIG.parent / "catalog.toml")
FORMS = "vn-form-templates/KLTN-DocFilling/Text/Công dân All/Input"

BIRTH_BODY = """Họ, chữ đệm, tên: NGUYỄN GIA HUY
Ngày, tháng, năm sinh: 02/04/2021
Ghi bằng chữ: Ngày hai, tháng tư, năm hai nghìn không trăm hai mươi mốt
Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam
Nơi sinh: Bệnh viện Hùng Vương, Thành phố Hồ Chí Minh
Quê quán: Xã Hải Anh, Huyện Hải Hậu, Tỉnh Nam Định
Số định danh cá nhân: 079221001122
Họ, chữ đệm, tên người mẹ: TRẦN THỊ MAI
Họ, chữ đệm, tên người cha: NGUYỄN VĂN HÙNG
Họ, chữ đệm, tên người đi khai sinh: NGUYỄN VĂN HÙNG
Nơi đăng ký khai sinh: Ủy ban nhân dân Phường 1, Quận 3
Ngày, tháng, năm đăng ký: 20/04/2021"""


# A marital status certificate whose title a stamp wiped out (as OCR reads such a scan).
MARITAL_WITHOUT_TITLE = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHƯỜNG 11
Số: 623/
Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 và Nghị định số 123/2015/NĐ-CP
Xét đề nghị của người có tên dưới đây về việc xác nhận tình trạng hôn nhân,
XÁC NHẬN:
Họ, chữ đệm và tên: NGÔ MINH THIÊN QUÂN
Sinh ngày: 17/9/1969
Giới tính: Nam Dân tộc: Kinh Quốc tịch: Việt Nam
Số định danh cá nhân: 072 069 744882
Nơi cư trú: 680/32 Hai Bà Trưng, Phường An Lạc
Trong thời gian cư trú tại: Phường 11, Quận 3
Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai.
Giấy này được cấp để: Làm thủ tục mua bán nhà đất
Giấy này có giá trị sử dụng trong thời hạn 6 tháng, kể từ ngày cấp."""

# A copy of an ID card whose title a stamp covered and whose English labels OCR garbled (as read
# from a scan): only its machine-readable zone says what it is.
CARD_WITHOUT_TITLE = """CỘNG HÒA XÃ HỘI CHỦ _ ,
Bộ v BẢN CHÍNH
số/ vợ. 079176342384
Họ và tên / Eưil rươree
PHAN LỆ THẢO TIÊN
Ngày sinh / Date of by 1205/1076
Đặc điểm rửyÂn đảng / Persorial bervfVcaAori:
Ngày, tháng, năm / Oade, moedhi, yee#- 21/01/2024
{zone}
Chứng thực bản sao đúng với bản chính. Số chứng thực: 6309 Quyển số"""
ZONE = "1DVNM1763423844979176342384<<6\n769511313F 36951 33VNM<<<<<<<<<<<1\nPHAN<<LE<THAO<T1EN<<<<<<<<<<<< )"


@pytest.fixture(scope="module")
def model() -> training.TrainedModel:
    return training.fit(training.shipped_examples(), CATALOG, cross_validate=False,
                        weights=training.shipped_weights())


def rules(text: str) -> str:
    return classify(text, CATALOG, min_confidence=0.5).doc_type


class TestCatalogRules:
    def test_the_longest_printed_title_wins(self):
        assert rules("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỜ KHAI ĐĂNG KÝ KHAI SINH\nKính gửi: UBND") \
            == "birth_registration_form"
        assert rules("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an phường") == "application_letter"

    def test_a_heading_ending_in_a_colon_is_not_a_title(self):
        assert title_match(["QUYẾT ĐỊNH:", "Điều 1. Phê duyệt"], CATALOG) is None

    def test_a_body_sentence_starting_like_a_title_is_not_one(self):
        assert title_match(["Đề nghị cơ quan đăng ký khai sinh cho người dưới đây"], CATALOG) is None
        assert title_match(["Thông báo cho các hộ gia đình được biết"], CATALOG) is None

    def test_a_title_wrapped_over_two_lines_is_found(self):
        assert title_match(["GIẤY CHỨNG NHẬN", "QUYỀN SỬ DỤNG ĐẤT"], CATALOG)[0] == "land_use_certificate"

    def test_an_official_letter_is_known_by_its_v_v_line_even_when_ocr_misreads_it(self):
        for line in ("V/v triển khai cải cách thủ tục hành chính", "V/w tăng cường phòng chống thiên tai"):
            text = f"ỦY BAN NHÂN DÂN QUẬN 1\nSố: 45/UBND-VP\n{line}\nKính gửi: Các phường\nNơi nhận: Như trên"
            assert rules(text) == "official_letter"

    def test_documents_known_to_be_outside_the_catalog_are_other(self):
        result = classify("CHÍNH PHỦ\nNGHỊ ĐỊNH\nQuy định chi tiết Luật Cư trú", CATALOG, min_confidence=0.5)
        assert result.doc_type == OTHER

    def test_below_the_threshold_a_document_is_other_with_its_best_guess(self):
        result = classify("Kính gửi: Ủy ban nhân dân phường", CATALOG, min_confidence=0.9)
        assert result.doc_type == OTHER and result.confidence < 0.9 and result.evidence["best_guess"]


class TestBelowTheThreshold:
    def test_a_type_every_kind_of_evidence_names_is_kept_uncertain_and_reviewed(self, model):
        result = classify(MARITAL_WITHOUT_TITLE, CATALOG, min_confidence=0.5, model=model)
        assert result.doc_type == "marital_status_certificate" and result.confidence < 0.5
        assert result.evidence["below_threshold"]
        reasons = review_reasons(CATALOG, result.doc_type, result.confidence, [], min_confidence=0.5)
        assert reasons[0] == f"type uncertain (confidence {result.confidence:.2f})"

    def test_without_a_learned_model_agreeing_it_is_other(self):
        result = classify(MARITAL_WITHOUT_TITLE, CATALOG, min_confidence=0.99)
        assert result.doc_type == OTHER and result.evidence["best_guess"] == "marital_status_certificate"

    def test_a_title_behind_ocr_specks_is_still_a_title(self):
        assert title_match(head_lines(", CĂN CƯỚC CÔNG DÂ\nSố / No.: 079090001234"), CATALOG)[0] == "citizen_id_card"
        assert rules("`GIẤY KHAI SINH\n" + BIRTH_BODY) == "birth_certificate"


class TestMarkers:
    def test_an_id_card_without_its_title_is_known_by_its_machine_readable_zone(self, model):
        without_zone = classify(CARD_WITHOUT_TITLE.format(zone=""), CATALOG, min_confidence=0.5, model=model)
        assert without_zone.doc_type == OTHER  # as such a copy was filed before markers
        result = classify(CARD_WITHOUT_TITLE.format(zone=ZONE), CATALOG, min_confidence=0.5, model=model)
        assert result.doc_type == "citizen_id_card" and result.confidence >= 0.5
        assert result.evidence["title"] == "1DVNM176342"

    @pytest.mark.parametrize("zone_line", ["IDVNM0791763423844979176342384<<6", "8111155F21114/55VNM<< <e<e<<c3",
                                           "769511313F 36951 33VNM<<<<<<<<<<<1"])
    def test_any_line_of_the_zone_is_enough_spaced_or_misread(self, zone_line):
        assert marker_match(f"Họ và tên\n{zone_line}\nNgày cấp", CATALOG) == ("citizen_id_card", marker_match(
            zone_line, CATALOG)[1])

    @pytest.mark.parametrize("line", ["P<VNMNGUYEN<<VAN<AN<<<<<<<<<<<<<<<<<<<<<", "B1234567<8VNM9001011M3001014<<<<<<<02",
                                      "Quốc tịch: VNM", "Số: 079176342384"])
    def test_a_passport_zone_or_the_country_code_alone_is_no_marker(self, line):
        assert marker_match(line, CATALOG) is None

    def test_a_marker_never_starts_a_document_when_splitting(self):
        page = PageText(1, 2, "769511313F 36951 33VNM<<<<<<<<<<<1\nPHAN<<LE<THAO<T1EN<<<<", 90.0, "ocr")
        assert not starts_document(page, CATALOG)

    def test_a_marker_that_is_no_regular_expression_fails_naming_the_catalog(self, tmp_path):
        error = shipped_catalog_error(tmp_path, "markers = [", "markers = ['[unclosed', ")
        assert "marker '[unclosed' is no regular expression" in error


class TestLearnedModel:
    def test_a_document_without_its_title_is_still_recognised(self, model):
        result = classify(BIRTH_BODY, CATALOG, min_confidence=0.5, model=model)
        assert result.doc_type == "birth_certificate" and result.evidence["model"] == "learned"

    def test_confidence_is_high_with_title_and_body_and_low_for_noise(self, model):
        clear = classify("GIẤY KHAI SINH\n" + BIRTH_BODY, CATALOG, min_confidence=0.5, model=model)
        noise = classify("xq zzv 1234 ---- ;;; lorem ipsum dolor", CATALOG, min_confidence=0.5, model=model)
        assert clear.confidence > 0.8
        assert noise.doc_type == OTHER and noise.confidence < 0.5

    def test_a_type_added_to_the_catalog_after_training_competes_on_its_rules(self, model, tmp_path):
        extended = tmp_path / "catalog.toml"
        extended.write_text((DEFAULT_CONFIG.parent / "catalog.toml").read_text(encoding="utf-8") + """
[[types]]
id = "school_transfer"
name_vi = "Đơn xin chuyển trường"
name_en = "School transfer request"
group = "general"
titles = ["ĐƠN XIN CHUYỂN TRƯỜNG"]
keywords = ["chuyển trường", "học sinh", "năm học"]
fields = ["full_name"]
required = []
""", encoding="utf-8")
        text = "ĐƠN XIN CHUYỂN TRƯỜNG\nKính gửi: Hiệu trưởng\nHọc sinh: LÊ AN, năm học 2024-2025, xin chuyển trường"
        assert classify(text, load_catalog(extended), min_confidence=0.5, model=model).doc_type == "school_transfer"

    def test_operator_corrections_are_learned_and_counted(self):
        text = "PHIẾU KHÁM SỨC KHỎE\nHọ và tên: LÊ VĂN AN\nChiều cao: 170 cm\nCân nặng: 60 kg\nKết luận: đủ sức khỏe"
        corrections = [training.Example(text.replace("LÊ VĂN AN", name), "application_letter", "operator",
                                        training.OPERATOR_WEIGHT) for name in ("LÊ VĂN AN", "TRẦN THỊ BÌNH")]
        fitted = training.fit(training.shipped_examples() + corrections, CATALOG, cross_validate=False)
        assert fitted.info["operator_examples"] == 2
        assert max(fitted.probabilities(text).items(), key=lambda kv: kv[1])[0] == "application_letter"


class TestWhereTheModelLives:
    def test_the_first_document_trains_a_model_from_the_shipped_examples_and_saves_it(self, tmp_path):
        model = training.current_model(tmp_path / "models", CATALOG)
        assert model is not None and (tmp_path / "models" / training.MODEL_FILE).exists()
        assert model.info["examples"] == len(training.shipped_examples())
        assert training.current_model(tmp_path / "models", CATALOG) is model  # loaded once per process

    def test_a_model_replaced_by_dossier_train_is_picked_up(self, tmp_path, model):
        path = training.model_path(tmp_path)
        training.save(model, path)
        first = training.current_model(tmp_path, CATALOG)
        replacement = training.TrainedModel(model.pipeline, model.weights, {**model.info, "examples": -1})
        training.save(replacement, path)
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
        assert training.current_model(tmp_path, CATALOG).info["examples"] == -1 != first.info["examples"]

    def test_an_unreadable_model_is_rebuilt_not_fatal(self, tmp_path):
        path = training.model_path(tmp_path)
        path.write_bytes(b"not a model")
        assert training.current_model(tmp_path, CATALOG) is not None
        assert training.load(path) is not None


class TestRealForms:
    @pytest.mark.parametrize("name, expected", [
        ("11_dang_ky_khai_sinh.txt", "birth_registration_form"), ("38_giay_uy_quyen.txt", "power_of_attorney"),
        ("56_TK_DK_khai_tu.txt", "death_certificate"), ("37_giay_phep_xay_dung.txt", "construction_permit"),
        ("26_don_khieu_nai.txt", "application_letter"), ("44_Quyet_dinh_viec_nghi_viec_huong_che_do_huu_tri.txt",
                                                         "decision"),
    ])
    def test_official_blank_forms_are_classified_by_their_type(self, model, name, expected):
        text = corpus_file(f"{FORMS}/{name}").read_text(encoding="utf-8", errors="replace")
        assert classify(text, CATALOG, min_confidence=0.5, model=model).doc_type == expected
