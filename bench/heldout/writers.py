"""Writing a file's pages as the scanners and phones at the counters do: image-only PDF, TIFF
(single and multi-page, LZW / Deflate / JPEG / CCITT G4), JPEG, PNG.

Outputs must be byte-identical for a seed, so nothing here writes a timestamp: Pillow's PDF writer is
given a fixed creation date, and TIFF/PNG/JPEG carry none.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from PIL import Image


def choose_format(rng: random.Random, n_pages: int, recipe: list[str]) -> str:
    if "phone_photo" in recipe:
        return "jpg" if n_pages == 1 and rng.random() < 0.75 else "pdf"
    if "fax" in recipe:
        return "tif" if rng.random() < 0.6 else "pdf"
    if n_pages > 1:
        return "pdf" if rng.random() < 0.65 else "tif"
    return rng.choices(["pdf", "tif", "jpg", "png"], weights=[0.4, 0.15, 0.2, 0.25], k=1)[0]


def choose_color(rng: random.Random, recipe: list[str]) -> str:
    if "phone_photo" in recipe:
        return "rgb"
    if "fax" in recipe:
        return "bw"
    return rng.choices(["rgb", "gray", "bw"], weights=[0.35, 0.45, 0.2], k=1)[0]


def write(path: Path, pages: list[Image.Image], fmt: str, dpi: int, rng: random.Random,
          *, jpeg_quality: int | None = None) -> str:
    """Write pages; return a short description of the encoding (recorded in the truth)."""
    if fmt == "pdf":
        conv = [p if p.mode in ("1", "L", "RGB") else p.convert("RGB") for p in pages]
        # a fixed date: Pillow would otherwise stamp the current time and break byte-identity
        fixed = time.gmtime(1767225600)  # 2026-01-01T00:00:00Z
        conv[0].save(path, "PDF", save_all=True, append_images=conv[1:], resolution=float(dpi),
                     creationDate=fixed, modDate=fixed)
        return "pdf/" + conv[0].mode
    if fmt == "tif":
        if pages[0].mode == "1":
            comp = "group4"
        else:
            comp = rng.choice(["tiff_lzw", "tiff_adobe_deflate", "jpeg"])
        kwargs = {"compression": comp, "dpi": (dpi, dpi)}
        if comp == "jpeg":
            kwargs["quality"] = jpeg_quality or rng.randint(70, 90)
        if len(pages) > 1:
            pages[0].save(path, "TIFF", save_all=True, append_images=pages[1:], **kwargs)
        else:
            pages[0].save(path, "TIFF", **kwargs)
        return f"tiff/{comp}"
    if len(pages) != 1:
        raise ValueError(f"{fmt} holds one page, got {len(pages)}")
    page = pages[0]
    if fmt == "jpg":
        if page.mode == "1":
            page = page.convert("L")
        q = jpeg_quality or rng.randint(72, 92)
        page.save(path, "JPEG", quality=q, dpi=(dpi, dpi))
        return f"jpeg/q{q}"
    if fmt == "png":
        page.save(path, "PNG", dpi=(dpi, dpi), compress_level=6)
        return "png/" + page.mode
    raise ValueError(fmt)
