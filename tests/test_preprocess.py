"""Preprocessing: each step (grayscale, orientation, deskew, flatten, upscale) happens when the
page needs it, is recorded with its parameters, and word boxes map back onto the page."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline.stages import preprocess
from pipeline.stages.preprocess import analyse, grayscale, prepare
from tools import scanlib as sl

LINES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ",
    "Họ, chữ đệm và tên: NGUYỄN THỊ HỒNG NHUNG",
    "Ngày, tháng, năm sinh: 12/03/1988. Giới tính: Nữ",
    "Số định danh cá nhân: 079188012345",
    "Nơi thường trú: 12 Nguyễn Trãi, Phường Bến Thành, Quận 1",
    "Thành phố Hồ Chí Minh. Quan hệ với chủ hộ: Vợ",
    "Lý do xác nhận: bổ sung hồ sơ đăng ký khai sinh cho con",
    "Giấy xác nhận có giá trị sáu tháng kể từ ngày ký.",
]


@pytest.fixture(scope="module")
def page() -> Image.Image:
    """A half A4 page of Vietnamese text, 200 dpi, as a flatbed scans it."""
    image, _ = sl.render_page([sl.para(line) for line in LINES], dpi=200, size_mm=(210, 148))
    return sl.scanner(image, seed=3)


def steps(prepared) -> dict[str, dict]:
    return {step["step"]: step for step in prepared.steps}


class TestMeasuringThePage:
    @pytest.mark.parametrize("degrees", [-3.0, -1.2, 2.0, 3.0, 6.0])
    def test_the_skew_is_measured_in_both_directions(self, page: Image.Image, degrees: float) -> None:
        assert analyse(sl.skew(page, degrees)).skew == pytest.approx(degrees, abs=0.25)

    @pytest.mark.parametrize("turn", [0, 90, 180, 270])
    def test_a_turned_page_hints_at_its_turn(self, page: Image.Image, turn: int) -> None:
        assert analyse(sl.rotate(page, turn)).orientation_hint == turn

    def test_text_line_height_follows_the_resolution(self, page: Image.Image) -> None:
        at_200 = analyse(page).line_height
        at_100 = analyse(sl.downsample(page, 200, 100)).line_height
        assert 20 <= at_200 <= 45 and at_100 == pytest.approx(at_200 / 2, rel=0.3)

    def test_a_phone_photo_has_uneven_light_and_a_scan_does_not(self, page: Image.Image) -> None:
        assert analyse(sl.phone_photo(page, seed=1, short_side=600)).light_spread >= preprocess.UNEVEN_LIGHT
        assert analyse(page).light_spread < preprocess.UNEVEN_LIGHT

    def test_a_blank_page_is_blank_and_hints_at_nothing(self) -> None:
        layout = analyse(Image.new("L", (1200, 1700), 250))
        assert layout.blank and layout.orientation_hint == 0 and layout.skew == 0


class TestEachStepWhenNeeded:
    def test_an_upright_gray_scan_goes_through_untouched(self, page: Image.Image) -> None:
        prepared = prepare(page, dpi=200)
        assert prepared.steps == [] and prepared.image is page and prepared.dpi == 200

    def test_colour_becomes_grayscale(self, page: Image.Image) -> None:
        prepared = prepare(page.convert("RGB"), dpi=200)
        assert prepared.image.mode == "L" and steps(prepared)["grayscale"]["from"] == "RGB"

    def test_transparency_becomes_white_paper_not_black(self) -> None:
        clear = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
        gray, converted = grayscale(clear)
        assert converted == "RGBA on white" and np.asarray(gray).min() == 255

    def test_sixteen_bit_gray_is_scaled_not_clipped(self) -> None:
        mid = Image.fromarray(np.full((20, 20), 32768, dtype=np.uint16))
        gray, _ = grayscale(mid)
        assert gray.mode == "L" and 120 <= np.asarray(gray)[0, 0] <= 135

    def test_the_turn_is_undone_and_recorded(self, page: Image.Image) -> None:
        prepared = prepare(sl.rotate(page, 90), dpi=200, rotation=90)
        assert steps(prepared)["orientation"] == {"step": "orientation", "rotated": 90}
        assert prepared.image.size == page.size
        assert analyse(prepared.image).orientation_hint == 0

    @pytest.mark.parametrize("degrees", [3.0, -3.0])
    def test_a_skewed_page_is_straightened(self, page: Image.Image, degrees: float) -> None:
        prepared = prepare(sl.skew(page, degrees), dpi=200)
        assert steps(prepared)["deskew"]["angle"] == pytest.approx(degrees, abs=0.25)
        assert abs(analyse(prepared.image).skew) <= 0.2

    @pytest.mark.parametrize("degrees", [2.5, -2.5])
    def test_a_page_read_unturned_is_deskewed_as_upright_whatever_its_strokes_suggested(self, page, degrees):
        # An ID card copy's strokes looked sideways (its hint said 90), its reading said upright: a skew
        # measured as if its lines ran down the page is an angle in the wrong frame.
        skewed = sl.skew(page, degrees)
        sideways = preprocess.Layout(10_000, -degrees, True, 0.0, 30.0, 0)
        prepared = prepare(skewed, dpi=200, layout=sideways)
        assert steps(prepared)["deskew"]["angle"] == pytest.approx(degrees, abs=0.25)
        assert analyse(skewed, upright=True).vertical is False

    def test_a_fax_is_bilevel_a_scan_is_not_and_smoothing_gives_a_fax_grey_edges(self, page) -> None:
        fax = page.convert("L").point(lambda level: 0 if level < 128 else 255)
        assert preprocess.is_bilevel(fax.convert("1")) and preprocess.is_bilevel(fax)
        assert not preprocess.is_bilevel(page)
        smooth = preprocess.smoothed(fax)
        assert smooth.step == {"step": "smooth", "radius": preprocess.SMOOTH_RADIUS}
        assert not preprocess.is_bilevel(smooth.image) and smooth.image.size == fax.size

    def test_a_slight_skew_is_left_alone(self, page: Image.Image) -> None:
        assert "deskew" not in steps(prepare(sl.skew(page, 0.2), dpi=200))

    def test_a_phone_photo_is_flattened_and_enlarged(self, page: Image.Image) -> None:
        photo = sl.phone_photo(page, seed=2, short_side=360)  # text lines about 10 px tall
        prepared = prepare(photo, dpi=0)
        done = steps(prepared)
        assert set(done) >= {"grayscale", "flatten", "upscale"}
        assert done["upscale"]["factor"] == 2.0 and prepared.image.width >= 2 * photo.width
        assert done["flatten"]["light_spread"] >= preprocess.UNEVEN_LIGHT
        assert prepared.dpi == 0  # unknown stays unknown

    def test_small_text_is_enlarged_and_the_resolution_follows(self, page: Image.Image) -> None:
        small = sl.downsample(page, 200, 90)
        prepared = prepare(small, dpi=90)
        assert steps(prepared)["upscale"]["factor"] == 2.0 and prepared.dpi == 180

    def test_enlarging_never_exceeds_the_pixel_bound(self, page: Image.Image) -> None:
        small = sl.downsample(page, 200, 90)
        bound = int(small.width * small.height * 2.5)  # room for 1.58x: floored to 1.5
        prepared = prepare(small, dpi=90, max_pixels=bound)
        assert steps(prepared)["upscale"]["factor"] == 1.5
        assert prepared.image.width * prepared.image.height <= bound


class TestBoxesMapBackOntoThePage:
    def test_a_box_on_the_prepared_image_lands_on_the_source(self) -> None:
        source = Image.new("L", (600, 800), 255)
        ImageDraw.Draw(source).rectangle((100, 150, 160, 180), fill=0)  # the "word"
        turned = source.transpose(Image.Transpose.ROTATE_270)  # content turned 90° clockwise
        prepared = prepare(turned, dpi=100, rotation=90)
        preprocess._deskew(prepared, 2.0)
        preprocess._upscale(prepared, 2.0, 10.0)
        ys, xs = np.nonzero(np.asarray(prepared.image) < 128)
        left, top, width, height = prepared.box_to_source(int(xs.min()), int(ys.min()),
                                                          int(xs.max() - xs.min()), int(ys.max() - ys.min()))
        # the box on the turned source: the rectangle, turned 90° clockwise (a box that went through
        # the 2° deskew comes back as the box around its turned corners: a few pixels larger)
        ys0, xs0 = np.nonzero(np.asarray(turned) < 128)
        assert left == pytest.approx(xs0.min(), abs=8) and top == pytest.approx(ys0.min(), abs=8)
        assert left + width == pytest.approx(xs0.max(), abs=8) and top + height == pytest.approx(ys0.max(), abs=8)


def dotted_form() -> Image.Image:
    """A form's fill-in lines printed as dots, the values written on them in an italic hand."""
    label_font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
    hand = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerifCondensed-Italic.ttf", 40)
    image = Image.new("L", (1700, 640), 255)
    draw = ImageDraw.Draw(image)
    draw.text((500, 40), "GIẤY XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ", font=label_font, fill=0)
    for row, (label, value) in enumerate([("Họ, chữ đệm và tên: ", "Phạm Tuyết Phương"),
                                          ("Ngày, tháng, năm sinh: ", "04.05.1959"),
                                          ("Số định danh cá nhân: ", "089159554870"), ("Dân tộc: ", "Kinh")]):
        y = 140 + 90 * row
        draw.text((60, y), label, font=label_font, fill=0)
        x = 60 + draw.textlength(label, font=label_font)
        draw.text((x, y + 6), "." * int((1640 - x) / draw.textlength(".", font=label_font)), font=label_font, fill=0)
        draw.text((x + 30, y - 8), value, font=hand, fill=0)
    return image


def dots_in(ink: np.ndarray) -> int:
    """Blobs of ink a few pixels across and nothing else."""
    from scipy import ndimage

    labels, count = ndimage.label(ink, structure=np.ones((3, 3)))
    return sum(1 for rows, columns in ndimage.find_objects(labels)
               if rows.stop - rows.start <= 8 and columns.stop - columns.start <= 8)


class TestLeaders:
    def test_the_dotted_lines_of_a_form_are_painted_out_and_its_words_kept(self) -> None:
        form = dotted_form()
        after = preprocess.without_leaders(form, 12)
        assert after is not None and after.size == form.size
        before, after = (np.asarray(image.convert("L")) < 128 for image in (form, after))
        right = slice(1200, 1640)  # past every value: the leaders alone
        assert before[:, right].sum() > 1000 and after[:, right].sum() == 0
        title = slice(0, 100)  # no leader there: untouched
        assert (after[title] == before[title]).all()
        # the dots between the letters written on a line go too (those the letters touch stay)
        under_name = (slice(160, 185), slice(370, 780))
        assert dots_in(before[under_name]) >= 12 and dots_in(after[under_name]) <= 2  # left: pieces of letters

    def test_a_page_without_dotted_lines_has_none_painted(self, page) -> None:
        assert preprocess.without_leaders(page, 12) is None

    def test_periods_in_running_text_are_no_leader(self) -> None:
        image = Image.new("L", (1600, 80), 255)
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 30)
        ImageDraw.Draw(image).text((10, 20), "Số 12.3. Ngày 1.2.2023. Ông A. Bà B. Số 4.5.6.", font=font, fill=0)
        assert preprocess.without_leaders(image, 12) is None
