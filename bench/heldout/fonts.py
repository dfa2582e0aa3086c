"""Fonts the generator draws with, and the Debian packages that provide them.

Vietnamese needs fonts that carry the precomposed letters of Latin Extended Additional (ỗ, ự, ẳ...):
every font listed here was checked to cover them (`fc-list ':charset=1ec7'`). The Debian script
fonts that look most like handwriting (Dancing Script, Comic Neue, Kaushan Script) do not, so the
"handwriting" faces are calligraphic and italic faces drawn with per-letter jitter (layout.py).

A missing file fails generation at once with the package to install: a silently substituted font
would change the set for a seed.
"""

from __future__ import annotations

import functools
import os

from PIL import ImageFont

_DEJAVU = "/usr/share/fonts/truetype/dejavu/"
_LIB = "/usr/share/fonts/truetype/liberation2/"
_FREE = "/usr/share/fonts/truetype/freefont/"
_GYRE = "/usr/share/texmf/fonts/opentype/public/tex-gyre/"

# face id -> (path, Debian package)
FACES: dict[str, tuple[str, str]] = {
    "dejavu-serif": (_DEJAVU + "DejaVuSerif.ttf", "fonts-dejavu-core"),
    "dejavu-serif-bold": (_DEJAVU + "DejaVuSerif-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-sans": (_DEJAVU + "DejaVuSans.ttf", "fonts-dejavu-core"),
    "dejavu-sans-bold": (_DEJAVU + "DejaVuSans-Bold.ttf", "fonts-dejavu-core"),
    "dejavu-sans-oblique": (_DEJAVU + "DejaVuSans-Oblique.ttf", "fonts-dejavu-core"),
    "liberation-serif": (_LIB + "LiberationSerif-Regular.ttf", "fonts-liberation2"),
    "liberation-serif-bold": (_LIB + "LiberationSerif-Bold.ttf", "fonts-liberation2"),
    "liberation-serif-italic": (_LIB + "LiberationSerif-Italic.ttf", "fonts-liberation2"),
    "liberation-sans": (_LIB + "LiberationSans-Regular.ttf", "fonts-liberation2"),
    "liberation-sans-bold": (_LIB + "LiberationSans-Bold.ttf", "fonts-liberation2"),
    "liberation-mono": (_LIB + "LiberationMono-Regular.ttf", "fonts-liberation2"),
    "free-serif": (_FREE + "FreeSerif.ttf", "fonts-freefont-ttf"),
    "free-serif-bold": (_FREE + "FreeSerifBold.ttf", "fonts-freefont-ttf"),
    "free-serif-italic": (_FREE + "FreeSerifItalic.ttf", "fonts-freefont-ttf"),
    "free-sans": (_FREE + "FreeSans.ttf", "fonts-freefont-ttf"),
    "free-sans-bold": (_FREE + "FreeSansBold.ttf", "fonts-freefont-ttf"),
    "termes": (_GYRE + "texgyretermes-regular.otf", "fonts-texgyre"),
    "termes-bold": (_GYRE + "texgyretermes-bold.otf", "fonts-texgyre"),
    "termes-italic": (_GYRE + "texgyretermes-italic.otf", "fonts-texgyre"),
    "heros": (_GYRE + "texgyreheros-regular.otf", "fonts-texgyre"),
    "heros-bold": (_GYRE + "texgyreheros-bold.otf", "fonts-texgyre"),
    "cursor": (_GYRE + "texgyrecursor-regular.otf", "fonts-texgyre"),
    "chorus": (_GYRE + "texgyrechorus-mediumitalic.otf", "fonts-texgyre"),
    "pagella-italic": (_GYRE + "texgyrepagella-italic.otf", "fonts-texgyre"),
    "schola-italic": (_GYRE + "texgyreschola-italic.otf", "fonts-texgyre"),
    "adventor-italic": (_GYRE + "texgyreadventor-italic.otf", "fonts-texgyre"),
}

# Families: (regular, bold). Times-like faces dominate because Decree 30/2020 prescribes
# Times New Roman for administrative documents.
PRINT_FAMILIES = {
    "serif": [("liberation-serif", "liberation-serif-bold"), ("termes", "termes-bold"),
              ("free-serif", "free-serif-bold"), ("dejavu-serif", "dejavu-serif-bold")],
    "sans": [("liberation-sans", "liberation-sans-bold"), ("dejavu-sans", "dejavu-sans-bold"),
             ("heros", "heros-bold"), ("free-sans", "free-sans-bold")],
    "typewriter": [("cursor", "cursor"), ("liberation-mono", "liberation-mono")],
}
HAND_FACES = ["chorus", "free-serif-italic", "pagella-italic", "schola-italic", "adventor-italic",
              "dejavu-sans-oblique", "liberation-serif-italic", "termes-italic"]

PACKAGES = sorted({pkg for _, pkg in FACES.values()})


class MissingFontError(RuntimeError):
    """A font file the set needs is absent; the message names the Debian package."""


def check_fonts() -> None:
    """Fail with one clear line per missing package before anything is drawn."""
    missing: dict[str, list[str]] = {}
    for path, pkg in FACES.values():
        if not os.path.exists(path):
            missing.setdefault(pkg, []).append(os.path.basename(path))
    if missing:
        lines = [f"  {pkg}: missing {', '.join(sorted(files))}" for pkg, files in sorted(missing.items())]
        raise MissingFontError(
            "fonts needed by bench/heldout are not installed:\n" + "\n".join(lines)
            + f"\ninstall them with: apt-get install {' '.join(sorted(missing))}")


@functools.lru_cache(maxsize=512)
def font(face: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A Pillow font for a face at a pixel size (cached: the same sizes recur on every page)."""
    path, _ = FACES[face]
    return ImageFont.truetype(path, max(6, int(size_px)))
