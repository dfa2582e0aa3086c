"""Preprocess: a page image → the image Tesseract reads best, and how it was made.

Measured on Vietnamese pages: a 3° clockwise skew made Tesseract silently drop whole text
blocks (67 % character errors; 0.14 % once deskewed); a page on its side or upside down reads as
garbage; a low-resolution phone photo reads better enlarged. The steps, in order:

grayscale   colour and alpha dropped (ink on white), 16-bit scaled down
orientation a quarter-turn or half-turn undone (the angle comes from the caller, see `analyse`)
deskew      a small rotation undone, either direction
flatten     uneven light (a phone photo's shadows, the desk around the sheet) divided out:
            phone photos went from 60 % to 10 % character errors in our measurements
upscale     small text enlarged until its lines are tall enough for the engine

`analyse` measures the page on a reduced copy with numpy (a few milliseconds): the skew angle and
the direction of the text lines from projection profiles, a hint that the page is upside down
(Latin and Vietnamese letters carry more ink above the x-height band, ascenders and tone marks,
than below it), and the height of the text lines. Every step taken is recorded with its
parameters, and `Prepared.box_to_source` maps word boxes back onto the page as rasterized, so
boxes shown to reviewers land on the original.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage

ANALYSIS_LONG_SIDE = 1000  # the page is measured on a copy about this large
MAX_SKEW = 10.0  # degrees searched either way
MIN_DESKEW = 0.5  # smaller skews do Tesseract no harm, and a rotation costs time
EDGE_MARGIN = 0.07  # share of the width and height ignored along each edge
MIN_INK_POINTS = 300  # below this the page is blank, or nearly: nothing to measure
UPSIDE_DOWN_SCORE = -0.15  # below this the ink sits under the x-height band: probably upside down
UNEVEN_LIGHT = 40  # gray levels between the lightest and darkest paper: a photo, not a flatbed scan
# Measured on rendered pages photographed at 576 and 900 px: 2x helped, 3x hurt; 150 dpi scans
# (lines of 20 px) read as well as 200 dpi ones, so they are left alone (enlarging costs time).
MIN_LINE_HEIGHT = 16.0  # px: text lines lower than this are enlarged ...
TARGET_LINE_HEIGHT = 24.0  # ... to about this height (lines of 12 px or less: twice as tall)
MAX_UPSCALE = 2.0

Point = tuple[float, float]


@dataclass(frozen=True)
class Layout:
    """What `analyse` measured on a page."""

    ink_points: int
    skew: float  # degrees the text lines are turned clockwise (negative: anticlockwise)
    vertical: bool  # text lines run up and down: the page lies on its side
    upright_score: float  # > 0: ink above the x-height band (upright); < 0: below it (upside down)
    line_height: float  # median height of a text line in px of the full page, 0 when unknown
    light_spread: int = 0  # gray levels between the lightest and the darkest paper (shadows, desk)

    @property
    def blank(self) -> bool:
        return self.ink_points < MIN_INK_POINTS

    @property
    def orientation_hint(self) -> int:
        """Clockwise quarter-turns (0, 90, 180, 270) the page content seems to have had."""
        if self.blank:
            return 0
        if self.vertical:  # letters' tops point right (turned clockwise) or left
            return 90 if self.upright_score < 0 else 270
        return 180 if self.upright_score < UPSIDE_DOWN_SCORE else 0

    def as_details(self) -> dict[str, Any]:
        return {"skew": round(self.skew, 2), "vertical": self.vertical, "upright_score": round(self.upright_score, 3),
                "line_height": round(self.line_height, 1), "light_spread": self.light_spread}


@dataclass
class Prepared:
    """The image for the engine, its resolution, and the record of how it was made."""

    image: Image.Image
    dpi: int  # after upscaling; 0 when the source did not say
    steps: list[dict[str, Any]] = field(default_factory=list)
    _back: list[Callable[[Point], Point]] = field(default_factory=list, repr=False)  # per step: its output → its input
    source_size: tuple[int, int] = (0, 0)

    def point_to_source(self, point: Point) -> Point:
        for back in reversed(self._back):
            point = back(point)
        return point

    def box_to_source(self, left: int, top: int, width: int, height: int) -> tuple[int, int, int, int]:
        """A box on the prepared image → the enclosing box on the source page (clipped to it)."""
        corners = [self.point_to_source(p) for p in
                   ((left, top), (left + width, top), (left, top + height), (left + width, top + height))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        w, h = self.source_size
        x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
        x1, y1 = min(w, math.ceil(max(xs))), min(h, math.ceil(max(ys)))
        return x0, y0, max(0, x1 - x0), max(0, y1 - y0)

    def then(self, image: Image.Image, step: dict[str, Any], back: Callable[[Point], Point],
             dpi_factor: float = 1.0) -> Prepared:
        """A copy with one more step: a variant of this prepared image, boxes still mapped home."""
        dpi = round(self.dpi * dpi_factor) if self.dpi else 0
        return Prepared(image, dpi, [*self.steps, step], [*self._back, back], self.source_size)

    def _add(self, image: Image.Image, step: dict[str, Any], back: Callable[[Point], Point]) -> None:
        self.image = image
        self.steps.append(step)
        self._back.append(back)


# --- the steps -------------------------------------------------------------------------------


def grayscale(image: Image.Image) -> tuple[Image.Image, str | None]:
    """8-bit grayscale, ink on white; returns the image and what was converted (None: nothing)."""
    mode = image.mode
    if mode == "L":
        return image, None
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or values.max() > 255 else 255.0
        return Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L"), mode
    if "A" in mode or mode in ("P", "PA") and "transparency" in image.info or mode == "LA":
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L"), mode + " on white"
    return image.convert("L"), mode


def prepare(image: Image.Image, *, dpi: int, rotation: int = 0, max_pixels: int = 0,
            layout: Layout | None = None) -> Prepared:
    """Apply the steps: grayscale, undo `rotation` (clockwise degrees the content was turned),
    deskew, upscale. `layout` may be passed when the caller already analysed the upright image."""
    prepared = Prepared(image=image, dpi=dpi, source_size=image.size)
    gray, converted = grayscale(image)
    if converted:
        prepared._add(gray, {"step": "grayscale", "from": converted}, lambda p: p)
    if rotation % 360:
        _rotate_quarters(prepared, rotation % 360)
        layout = None  # measured before the turn: measure again
    if layout is None or layout.vertical:
        # The image is upright now, by the caller's decision: a skew measured as if its lines ran
        # down the page is an angle in the wrong frame (an ID card copy whose strokes looked sideways,
        # read unturned, was deskewed the wrong way and read 19 words instead of a card's worth).
        layout = analyse(prepared.image, upright=True)
    if abs(layout.skew) >= MIN_DESKEW:
        _deskew(prepared, layout.skew)
    if layout.light_spread >= UNEVEN_LIGHT:
        _flatten(prepared, layout)
    factor = upscale_factor(layout.line_height, prepared.image.size, max_pixels)
    if factor > 1:
        _upscale(prepared, factor, layout.line_height)
    return prepared


def upscale_factor(line_height: float, size: tuple[int, int], max_pixels: int = 0) -> float:
    """How much to enlarge a page whose text lines are `line_height` px tall (1: leave it)."""
    if not 0 < line_height < MIN_LINE_HEIGHT:
        return 1.0
    factor = min(MAX_UPSCALE, TARGET_LINE_HEIGHT / line_height)
    if max_pixels:
        factor = min(factor, math.sqrt(max_pixels / (size[0] * size[1])))
    factor = math.floor(factor * 4) / 4  # quarter steps: the same page always gets the same size
    return factor if factor > 1 else 1.0


def _rotate_quarters(prepared: Prepared, degrees: int) -> None:
    """Undo a clockwise turn of the content by 90, 180 or 270 degrees."""
    w, h = prepared.image.size
    # PIL's ROTATE_n turns anticlockwise by n, which undoes a clockwise turn by n.
    transpose = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
                 270: Image.Transpose.ROTATE_270}[degrees]
    backs = {  # a point of the turned image → the same point of the image before the turn
        90: lambda p: (w - p[1], p[0]),
        180: lambda p: (w - p[0], h - p[1]),
        270: lambda p: (p[1], h - p[0]),
    }
    prepared._add(prepared.image.transpose(transpose), {"step": "orientation", "rotated": degrees}, backs[degrees])


def _deskew(prepared: Prepared, skew: float) -> None:
    # Bilinear: nearest-neighbour is four times faster, but its stair steps split a signature
    # block's lines differently (5.8 % character errors against 2.7 % on the same page).
    before = prepared.image
    after = before.rotate(skew, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    (w0, h0), (w1, h1) = before.size, after.size
    radians = math.radians(skew)
    cos, sin = math.cos(radians), math.sin(radians)

    def back(p: Point) -> Point:  # undo an anticlockwise turn by `skew` about the centres
        dx, dy = p[0] - w1 / 2, p[1] - h1 / 2
        return (w0 / 2 + dx * cos - dy * sin, h0 / 2 + dx * sin + dy * cos)

    prepared._add(after, {"step": "deskew", "angle": round(skew, 2)}, back)


def _flatten(prepared: Prepared, layout: Layout) -> None:
    """Divide the image by an estimate of the bare paper: the page's brightest surroundings,
    taken at a scale where text lines are a few pixels tall and vanish under a max filter."""
    before = prepared.image
    scale = max(1, round(layout.line_height / 3)) if layout.line_height else 4
    paper = before.reduce(scale) if scale > 1 else before
    paper = paper.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.BoxBlur(2))
    paper = paper.resize(before.size, Image.Resampling.BILINEAR)
    ink = np.asarray(before, dtype=np.uint16) * 255 // np.maximum(np.asarray(paper, dtype=np.uint16), 1)
    after = Image.fromarray(np.minimum(ink, 255).astype(np.uint8), "L")
    prepared._add(after, {"step": "flatten", "light_spread": layout.light_spread, "scale": scale}, lambda p: p)


def _upscale(prepared: Prepared, factor: float, line_height: float) -> None:
    before = prepared.image
    size = (round(before.width * factor), round(before.height * factor))
    after = before.resize(size, Image.Resampling.BICUBIC)
    prepared.dpi = round(prepared.dpi * factor) if prepared.dpi else 0
    prepared._add(after, {"step": "upscale", "factor": factor, "line_height": round(line_height, 1)},
                  lambda p: (p[0] / factor, p[1] / factor))


# --- measuring the page ----------------------------------------------------------------------


def analyse(image: Image.Image, *, upright: bool = False) -> Layout:
    """Skew, direction of the text lines, an upside-down hint and line height, from a reduced copy.
    `upright`: the page is known to lie with its lines across (the caller turned it so, or its
    reading said so): they are measured that way whatever its strokes suggest."""
    gray = image if image.mode == "L" else grayscale(image)[0]
    factor = max(1, math.ceil(max(gray.size) / ANALYSIS_LONG_SIDE))
    small = gray.reduce(factor) if factor > 1 else gray
    pixels = np.asarray(small, dtype=np.int16)
    background = np.asarray(small.filter(ImageFilter.BoxBlur(12)), dtype=np.int16)
    # Text never reaches the page edge; the edges of a photographed sheet and the black borders
    # of a scan do, and their long straight lines would outweigh the text lines.
    my, mx = int(pixels.shape[0] * EDGE_MARGIN), int(pixels.shape[1] * EDGE_MARGIN)
    pixels, background = pixels[my:-my or None, mx:-mx or None], background[my:-my or None, mx:-mx or None]
    # Ink: clearly darker than its neighbourhood (a global threshold would take the dark desk
    # around a phone photo for ink).
    ys, xs = np.nonzero(pixels < background - 40)
    spread = _light_spread(small)
    if len(ys) < MIN_INK_POINTS:
        return Layout(len(ys), 0.0, False, 0.0, 0.0, spread)
    stride = max(1, len(ys) // 50_000)  # enough points for a sharp profile, few enough to be quick
    ys, xs = ys[::stride].astype(np.float64), xs[::stride].astype(np.float64)
    vertical = not upright and _stroke_ratio(pixels) < 1.0
    if vertical:  # measure as if the page had been turned a quarter anticlockwise
        ys, xs = xs, -ys
    angle, profile = _best_angle(ys, xs)
    lines = _text_lines(profile)
    heights = [end - start for start, end in lines]
    line_height = float(np.median(heights)) * factor if heights else 0.0
    # A positive angle means the lines fall to the right: the text is turned clockwise.
    return Layout(len(ys), -angle if vertical else angle, vertical, _upright_score(profile, lines), line_height,
                  spread)


def _light_spread(small: Image.Image) -> int:
    """Brightest minus darkest paper: on a further reduced copy, a max filter removes the ink and
    leaves the paper; a flatbed scan measures under 20, a phone photo over 50."""
    paper = np.asarray(small.reduce(4).filter(ImageFilter.MaxFilter(3)))
    my, mx = int(paper.shape[0] * EDGE_MARGIN), int(paper.shape[1] * EDGE_MARGIN)
    inner = paper[my:paper.shape[0] - my, mx:paper.shape[1] - mx]
    return int(np.percentile(inner, 95) - np.percentile(inner, 5)) if inner.size else 0


def _stroke_ratio(pixels: np.ndarray) -> float:
    """Horizontal over vertical edge strength. Latin letters are mostly upright stems, so the
    ratio is above 1 on an upright or upside-down page (1.1 to 1.9 measured) and below 1 on a
    page lying on its side."""
    gx = np.abs(np.diff(pixels, axis=1))[:-1, :]
    gy = np.abs(np.diff(pixels, axis=0))[:, :-1]
    edges = (gx + gy) > 40
    return float(gx[edges].sum()) / max(1.0, float(gy[edges].sum()))


def _profile(ys: np.ndarray, xs: np.ndarray, angle: float) -> np.ndarray:
    radians = math.radians(angle)
    projected = ys * math.cos(radians) - xs * math.sin(radians)
    return np.bincount((projected - projected.min()).astype(np.int64))


def _sharpness(profile: np.ndarray, cap: float) -> float:
    # Text lines give tall peaks and empty gaps when the projection runs along them. Bins are
    # capped so that one long straight line (a table rule, the edge of a photographed sheet)
    # cannot outweigh dozens of text lines.
    return float(np.sum(np.diff(np.minimum(profile, cap).astype(np.float64)) ** 2))


def _best_angle(ys: np.ndarray, xs: np.ndarray) -> tuple[float, np.ndarray]:
    """(angle, profile) of the sharpest projection: a coarse search, then a fine one."""
    level = _profile(ys, xs, 0.0)
    filled = level[level > 0]
    cap = float(np.partition(filled, int(len(filled) * 0.95))[int(len(filled) * 0.95)])

    def sharpness(angle: float) -> float:
        return _sharpness(_profile(ys, xs, angle), cap)

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = max(np.arange(best - 0.4, best + 0.41, 0.1), key=sharpness)
    return round(float(fine), 2), _profile(ys, xs, fine)


def _text_lines(profile: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the runs of the profile that are text lines."""
    filled = profile[profile > 0]
    if not len(filled):
        return []
    on = profile > max(1.0, 0.15 * float(np.percentile(filled, 90)))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], on.astype(np.int8), [0]))))
    return [(int(s), int(e)) for s, e in zip(edges[::2], edges[1::2]) if e - s >= 3]


def _upright_score(profile: np.ndarray, lines: list[tuple[int, int]]) -> float:
    """(ink above the x-height band - ink below) / both, over all text lines."""
    above = below = 0.0
    for start, end in lines:
        line = profile[start:end].astype(np.float64)
        core = np.flatnonzero(line >= 0.5 * line.max())
        above += float(line[: core[0]].sum())
        below += float(line[core[-1] + 1:].sum())
    return (above - below) / (above + below) if above + below else 0.0


def edge_sharpness(image: Image.Image) -> float | None:
    """How steep the ink's edges are, 0..1: the 90th percentile of the steps between neighbouring
    pixels across strong edges, over the contrast between ink and paper, in the middle of the page
    at full resolution. A flatbed scan measures 0.45 to 1 (1: one-bit), a page blurred by two
    pixels 0.26 to 0.30; None when there are too few edges to tell (no text, or very blurred)."""
    gray = np.asarray(image if image.mode == "L" else grayscale(image)[0], dtype=np.float32)
    h, w = gray.shape
    middle = gray[h // 5: 4 * h // 5, w // 8: 7 * w // 8]
    if middle.size == 0:
        return None
    steps = np.abs(np.diff(middle, axis=1))
    contrast = max(float(np.percentile(middle, 90) - np.percentile(middle, 1)), 1.0)
    strong = steps[steps > 0.25 * contrast]
    if strong.size < MIN_EDGE_POINTS:
        return None
    return round(float(np.percentile(strong, 90)) / contrast, 3)


# --- variants for a second reading -------------------------------------------------------------
# A page that reads poorly is read again from a variant of its prepared image, each aimed at one
# fault (see read.py `_reread`). Each returns the new image and, for boxes, how a point on it maps
# back onto the image it was made from.

MIN_EDGE_POINTS = 500  # strong edges needed to measure sharpness
DARK_BORDER = 90  # gray level: an edge band darker than this on average is the scanner lid or the desk
SHARPEN_RADIUS = 2.0
SHARPEN_PERCENT = 160
SAUVOLA_K = 0.2
SMOOTH_RADIUS = 1.0  # px: a fax's staircase edges turn grey, a stroke stays a stroke
BILEVEL_SHARE = 0.995  # of the pixels pure black or pure white: a page with no grey at all (a fax)


@dataclass(frozen=True)
class Variant:
    image: Image.Image
    step: dict[str, Any]
    back: Callable[[Point], Point]
    dpi_factor: float = 1.0


def sharpened(image: Image.Image) -> Variant:
    """Unsharp masking: a blurred page's strokes steepened again (a cheap deconvolution)."""
    after = image.filter(ImageFilter.UnsharpMask(SHARPEN_RADIUS, SHARPEN_PERCENT, 3))
    return Variant(after, {"step": "sharpen", "radius": SHARPEN_RADIUS, "percent": SHARPEN_PERCENT}, lambda p: p)


def is_bilevel(image: Image.Image) -> bool:
    """A page of black and white only, no grey: a fax, or a scan saved as one bit a pixel."""
    if image.mode == "1":
        return True
    pixels = np.asarray(image.convert("L"))
    return bool(((pixels == 0) | (pixels == 255)).mean() >= BILEVEL_SHARE)


def smoothed(image: Image.Image) -> Variant:
    """A bilevel page's jagged strokes given grey edges again (a slight Gaussian blur): the engine's
    models learned on anti-aliased text, and read a fax's staircase letters as other letters."""
    after = image.filter(ImageFilter.GaussianBlur(SMOOTH_RADIUS))
    return Variant(after, {"step": "smooth", "radius": SMOOTH_RADIUS}, lambda p: p)


def binarized_locally(image: Image.Image, line_height: float) -> Variant:
    """Sauvola's threshold over a window of about three text lines: ink is what is darker than its
    own neighbourhood, so a shadow or a gradient of light stops mattering."""
    window = max(15, int(3 * line_height) | 1) if line_height else 41
    pixels = np.asarray(image, dtype=np.float64)
    mean = _box_mean(pixels, window)
    deviation = np.sqrt(np.maximum(_box_mean(pixels * pixels, window) - mean * mean, 0))
    threshold = mean * (1 + SAUVOLA_K * (deviation / 128.0 - 1))
    after = Image.fromarray(np.where(pixels > threshold, 255, 0).astype(np.uint8), "L")
    return Variant(after, {"step": "binarize", "method": "sauvola", "window": window}, lambda p: p)


def _box_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Mean over a window × window box around each pixel, from an integral image."""
    half = window // 2
    padded = np.pad(values, half + 1, mode="edge")
    integral = padded.cumsum(0).cumsum(1)
    h, w = values.shape
    a = integral[window:window + h, window:window + w]
    b = integral[:h, window:window + w]
    c = integral[window:window + h, :w]
    d = integral[:h, :w]
    return (a - b - c + d) / (window * window)


def without_border(image: Image.Image) -> Variant | None:
    """The dark bands along the edges (an open scanner lid, the desk around a photographed sheet)
    painted white; None when there are none. A band is looked for in the outer tenth of each side,
    not only at the very edge: deskewing puts a white margin outside it. Painting rather than
    cropping keeps every box where it was."""
    pixels = np.asarray(image)
    h, w = pixels.shape
    bands = {}
    for side, lines in (("top", pixels), ("bottom", pixels[::-1]), ("left", pixels.T), ("right", pixels.T[::-1])):
        means = lines[: max(1, len(lines) // 10)].mean(axis=1)
        dark = np.flatnonzero(means < DARK_BORDER)
        if len(dark) >= 3:
            bands[side] = int(dark[-1]) + 3
    if not bands:
        return None
    after = pixels.copy()
    if "top" in bands:
        after[: bands["top"]] = 255
    if "bottom" in bands:
        after[h - bands["bottom"]:] = 255
    if "left" in bands:
        after[:, : bands["left"]] = 255
    if "right" in bands:
        after[:, w - bands["right"]:] = 255
    return Variant(Image.fromarray(after, "L"), {"step": "border", "painted": bands}, lambda p: p)


# --- dotted fill-in lines ----------------------------------------------------------------------
# Official forms print every line a value is written on as a row of dots; a value handwritten on it
# sits on the dots, and the engine reads dots and strokes together as noise
# ("......Mg1/JUỄH...Frug" for "Nguyễn Trung Cường"). A dot is a small, nearly round blob of ink, at
# most `max_dot` px either way; a leader is a chain of at least `MIN_LEADER_DOTS` such blobs alike in
# size whose centres share one row, each within `LEADER_GAP` dot sizes of the next, and every dot
# alike on its row is the leader's. A tone mark or the dot of an i stands alone or off the row; a
# dot-below mark that falls on a leader's row goes with its dots, which is why a value's crop without
# its leaders is one more reading, never the only one (`extract.reread`). A whole page read without
# them is a second reading too (`read.read_without_leaders`), from which a document takes only the
# values it lacks: kept in place of the first when `read`'s score preferred it, it lost 19 values of
# the development half for the 27 it found and changed 17 (wrong people's names among them). Ink is
# taken down to `LEADER_INK` for the dots' grey edges to go with them.
MIN_LEADER_DOTS = 6
LEADER_GAP = 5.0
LEADER_ROW = 2.0  # px a dot's centre may stand off its leader's row
DOT_ROUNDNESS = 2.5  # a dot is at most this much wider than high, or higher than wide
DOT_SIZE_SPREAD = 1.6  # a leader's dots are alike: none larger than this times the typical one
LEADER_INK = 200


def leader_dots(gray: np.ndarray, max_dot: float) -> np.ndarray | None:
    """The pixels of the dotted fill-in lines on a grey image (a value's crop, or a page), None when it
    shows none. `max_dot`: px, the largest a dot may be."""
    labels, count = ndimage.label(gray < LEADER_INK, structure=np.ones((3, 3)))
    if count < MIN_LEADER_DOTS:
        return None
    boxes = ndimage.find_objects(labels)
    heights = np.array([rows.stop - rows.start for rows, _ in boxes])
    widths = np.array([columns.stop - columns.start for _, columns in boxes])
    middles = np.array([(rows.start + rows.stop) / 2 for rows, _ in boxes])
    centres = np.array([(columns.start + columns.stop) / 2 for _, columns in boxes])
    small = np.flatnonzero((heights <= max_dot) & (widths <= max_dot) & (widths <= DOT_ROUNDNESS * heights)
                           & (heights <= DOT_ROUNDNESS * widths))
    if len(small) < MIN_LEADER_DOTS:
        return None
    by_row: dict[int, list[int]] = {}
    for index in small.tolist():
        by_row.setdefault(round(middles[index]), []).append(index)
    taken: set[int] = set()
    dots: list[int] = []
    near = round(LEADER_ROW)
    for row in sorted(by_row):
        members = sorted((i for r in range(row - near, row + near + 1) for i in by_row.get(r, ()) if i not in taken),
                         key=lambda i: centres[i])
        if len(members) < MIN_LEADER_DOTS:
            continue
        size = float(np.median(np.maximum(heights[members], widths[members])))
        alike = [i for i in members if max(heights[i], widths[i]) <= DOT_SIZE_SPREAD * size]
        if _longest_chain(centres[alike], LEADER_GAP * size) >= MIN_LEADER_DOTS:
            # the row is a leader: its dots between the letters written on it go too (the dots the
            # letters touch break the chain into pieces too short to be one on their own)
            dots += alike
            taken.update(alike)
    if not dots:
        return None
    return np.isin(labels, np.array(dots) + 1)


def _longest_chain(positions: np.ndarray, gap: float) -> int:
    """The most positions (sorted) in a run whose steps are all at most `gap`."""
    if not len(positions):
        return 0
    breaks = np.flatnonzero(np.diff(positions) > gap)
    edges = np.concatenate(([-1], breaks, [len(positions) - 1]))
    return int(np.diff(edges).max())


def without_leaders(image: Image.Image, max_dot: float) -> Image.Image | None:
    """The image (a value's crop, or a page) with its dotted fill-in lines painted out; None when it has none."""
    pixels = np.asarray(image.convert("L"))
    dots = leader_dots(pixels, max_dot)
    if dots is None:
        return None
    after = pixels.copy()
    after[dots] = 255
    return Image.fromarray(after, "L")


def upscaled(image: Image.Image, factor: float = 2.0) -> Variant:
    size = (round(image.width * factor), round(image.height * factor))
    after = image.resize(size, Image.Resampling.BICUBIC)
    return Variant(after, {"step": "upscale", "factor": factor}, lambda p: (p[0] / factor, p[1] / factor), factor)
