"""What happens to paper between the counter and the pipeline: scanner skew, blur, JPEG artefacts,
fax transmission, uneven light, phone photos, extra rubber stamps over the text.

Each degradation is a function page image → page image with its own RNG draws; a file gets one
recipe (a list of names) applied to all its pages, and the recipe is recorded in the truth so the
harness can break results down by degradation. Parameters are set from what such copies look like,
and fixed before any pipeline run (the brief forbids tuning them on pipeline results).
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageChops, ImageFilter, ImageOps

from .layout import SEAL_RED, Canvas, Page, Style

# recipe -> weight. Single degradations and the combinations counters really produce.
RECIPES: list[tuple[tuple[str, ...], float]] = [
    (("clean",), 0.17),
    (("skew",), 0.11),
    (("blur",), 0.07),
    (("jpeg",), 0.07),
    (("fax",), 0.08),
    (("uneven_light",), 0.07),
    (("phone_photo",), 0.10),
    (("stamp",), 0.08),
    (("skew", "stamp"), 0.04),
    (("blur", "jpeg"), 0.04),
    (("skew", "fax"), 0.03),
    (("stamp", "phone_photo"), 0.03),
    (("skew", "uneven_light"), 0.03),
    (("skew", "blur", "jpeg"), 0.03),
    (("stamp", "uneven_light"), 0.02),
]
ORDER = ["clean", "stamp", "skew", "uneven_light", "blur", "fax", "jpeg", "phone_photo"]


def pick_recipe(rng: random.Random) -> list[str]:
    recipe = rng.choices([r for r, _ in RECIPES], weights=[w for _, w in RECIPES], k=1)[0]
    return sorted(recipe, key=ORDER.index)


def _np_rng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.randrange(2**32))


def stamp(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """One or two extra seals and a rubber stamp dropped over the body text (incoming-mail stamps,
    certified-copy seals, 'ĐÃ TIẾP NHẬN'), in red or purple ink."""
    page = Page.from_image(img, dpi)
    style = Style.pick(rng, kind="serif", fill="inline")
    c = Canvas(rng, dpi, style, page=page)
    w, h = img.size
    for _ in range(rng.randint(1, 2)):
        cx = rng.uniform(0.25, 0.8) * w
        cy = rng.uniform(0.18, 0.6) * h
        c.seal(cx, cy, radius_mm=rng.uniform(15, 20),
               ring=rng.choice(["ỦY BAN NHÂN DÂN PHƯỜNG", "CÔNG AN PHƯỜNG", "PHÒNG TƯ PHÁP", "VĂN PHÒNG CÔNG CHỨNG"]),
               color=SEAL_RED if rng.random() < 0.8 else (110, 50, 150), strength=rng.uniform(0.6, 0.9))
    if rng.random() < 0.6:
        lines = rng.choice([["ĐÃ TIẾP NHẬN"], ["SAO Y BẢN CHÍNH"], ["CÔNG VĂN ĐẾN", f"Số: {rng.randint(1, 999)}"],
                            ["BẢN SAO"]])
        c.box_stamp(rng.uniform(0.3, 0.75) * w, rng.uniform(0.1, 0.5) * h, lines,
                    color=SEAL_RED if rng.random() < 0.6 else (40, 60, 170))
    return page.finish()


def skew(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """A page fed crooked: ±1–4°, the page size kept (corners clipped as a flatbed would)."""
    angle = rng.uniform(1.0, 4.0) * rng.choice([-1, 1])
    fill = img.getpixel((2, 2))
    return img.rotate(angle, resample=Image.BILINEAR, expand=False, fillcolor=fill)


def blur(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """Out-of-focus or worn-glass scan."""
    return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.9, 1.9) * dpi / 200))


def jpeg(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """Heavy JPEG compression (scanner 'small file' setting, e-mail forwarding)."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(12, 30))
    buf.seek(0)
    return Image.open(buf).convert(img.mode)


def fax(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """Fax look: 1-bit, 200 dpi across and 100 dpi down (each scan line doubled), speckles and a few
    dropped lines. Returned as a 200 dpi mode '1' image."""
    gray = img.convert("L")
    w200, h200 = round(img.width * 200 / dpi), round(img.height * 200 / dpi)
    low = gray.resize((w200, h200 // 2), Image.BILINEAR)
    arr = np.asarray(low, dtype=np.float32)
    nrng = _np_rng(rng)
    arr = arr + nrng.normal(0, 18, arr.shape)
    bw = arr > rng.uniform(135, 175)
    # speckles and dropped lines
    speck = nrng.random(bw.shape) < 0.0015
    bw = np.where(speck, ~bw, bw)
    for _ in range(rng.randint(0, 4)):
        r = rng.randrange(bw.shape[0])
        bw[r, :] = True
    out = Image.fromarray((bw * 255).astype(np.uint8), "L").resize((w200, h200), Image.NEAREST)
    return out.convert("1", dither=Image.NONE)


def _light_field(rng: random.Random, size: tuple[int, int]) -> Image.Image:
    """A light factor map (255 = full light) computed at 1/8 size and enlarged: a lamp to one side
    and a shadow band along one edge (lid not closed, a hand, a book spine)."""
    w, h = max(8, size[0] // 8), max(8, size[1] // 8)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    xx /= w
    yy /= h
    ax, ay = rng.uniform(-1, 1), rng.uniform(-1, 1)
    slope = (ax * (xx - 0.5) + ay * (yy - 0.5)) / max(abs(ax) + abs(ay), 1e-3)
    grad = 1 - rng.uniform(0.25, 0.45) * (0.5 + slope)
    edge = rng.choice(["left", "right", "top", "bottom"])
    dist = {"left": xx, "right": 1 - xx, "top": yy, "bottom": 1 - yy}[edge]
    band = rng.uniform(0.05, 0.18)
    shadow = 1 - rng.uniform(0.35, 0.6) * np.clip(1 - dist / band, 0, 1) ** 1.5
    factor = np.clip(grad * shadow, 0.25, 1.0)
    small = Image.fromarray((factor * 255).astype(np.uint8), "L")
    return small.resize(size, Image.BILINEAR)


def uneven_light(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """Uneven light over the page (see _light_field), multiplied in with Pillow's C code."""
    rgb = img.convert("RGB")
    light = _light_field(rng, rgb.size).convert("RGB")
    return ImageChops.multiply(rgb, light)


def _perspective_coeffs(src, dst):
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points dst to input points src."""
    a = []
    b = []
    for (x, y), (u, v) in zip(dst, src):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.extend([u, v])
    return np.linalg.solve(np.array(a, dtype=np.float64), np.array(b, dtype=np.float64)).tolist()


def phone_photo(img: Image.Image, rng: random.Random, dpi: int) -> Image.Image:
    """A page photographed with a phone on a desk: lower resolution, perspective, the desk around
    it, a light gradient, slight blur, a colour cast. The result's nominal dpi is 72."""
    rgb = img.convert("RGB")
    target_w = rng.randint(1100, 1600)            # page width in pixels in the photo
    scale = target_w / rgb.width
    page = rgb.resize((target_w, round(rgb.height * scale)), Image.LANCZOS)
    pw, ph = page.size
    mx, my = int(pw * rng.uniform(0.06, 0.14)), int(ph * rng.uniform(0.05, 0.12))
    W, H = pw + 2 * mx, ph + 2 * my
    nrng = _np_rng(rng)
    desk = np.array(rng.choice([(120, 85, 55), (70, 70, 75), (160, 150, 135), (40, 45, 50), (190, 180, 170)]),
                    dtype=np.float32)
    # desk texture at quarter size, enlarged: grain without a full-size noise array
    small = np.clip(desk + nrng.normal(0, 10, (H // 4 + 1, W // 4 + 1, 3)), 0, 255).astype(np.uint8)
    bg = Image.fromarray(small, "RGB").resize((W, H), Image.BILINEAR)
    canvas = bg
    # where the page corners land (jittered): output quad
    j = lambda s: rng.uniform(-0.045, 0.045) * s
    dst = [(mx + j(pw), my + j(ph)), (mx + pw + j(pw), my + j(ph)),
           (mx + pw + j(pw), my + ph + j(ph)), (mx + j(pw), my + ph + j(ph))]
    src = [(0, 0), (pw, 0), (pw, ph), (0, ph)]
    coeffs = _perspective_coeffs(src, dst)
    warped = page.transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BICUBIC)
    mask = Image.new("L", page.size, 255).transform((W, H), Image.PERSPECTIVE, coeffs, resample=Image.BILINEAR)
    canvas.paste(warped, (0, 0), mask)
    canvas = uneven_light(canvas, rng, 72)
    canvas = canvas.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.0)))
    cast = [rng.uniform(0.95, 1.05), rng.uniform(0.95, 1.03), rng.uniform(0.85, 1.0)]
    bands = [band.point(lambda v, k=k: min(255, int(v * k))) for band, k in zip(canvas.split(), cast)]
    return Image.merge("RGB", bands)


FUNCS = {"stamp": stamp, "skew": skew, "blur": blur, "jpeg": jpeg, "fax": fax, "uneven_light": uneven_light,
         "phone_photo": phone_photo}


def apply(img: Image.Image, recipe: list[str], rng: random.Random, dpi: int) -> Image.Image:
    for name in recipe:
        if name == "clean":
            continue
        img = FUNCS[name](img, rng, dpi)
    return img


def to_color_mode(img: Image.Image, color: str, rng: random.Random) -> Image.Image:
    """The scanner's colour setting: colour, greyscale, or black-and-white (thresholded)."""
    if img.mode == "1" or color == "rgb":
        return img
    gray = img.convert("L")
    if color == "gray":
        return gray
    gray = ImageOps.autocontrast(gray, cutoff=1)
    threshold = rng.randint(140, 180)
    return gray.point(lambda v: 255 if v > threshold else 0).convert("1", dither=Image.NONE)
