"""What operators read, translated (gettext): every user-facing message goes through `_()`.

Operators at district counters read Vietnamese. Messages are written in English
in the code, marked with `_()`, and translated by the gettext catalog shipped in
`pipeline/locale/vi/LC_MESSAGES/dossier.mo` (compiled from `dossier.po`, both
committed; `make messages` extracts and updates them). `--json` output stays
English (keys and values a script reads).

The language: `[ui] language` of the configuration, else the locale of the
environment (LC_ALL, then LC_MESSAGES, then LANG): vi* reads Vietnamese, en*
English, and anything else (C, POSIX, unset) Vietnamese, the offices' language.
Until `activate` is called, `_()` returns the message as written (English).

This module is the lowest layer of the package: it imports nothing of dossier.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "dossier"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
VIETNAMESE, ENGLISH = "vi", "en"
LANGUAGES = (VIETNAMESE, ENGLISH)
DEFAULT_LANGUAGE = VIETNAMESE
# The locale variables that choose the language of messages, strongest first (POSIX).
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_active: gettext.NullTranslations = gettext.NullTranslations()
_language = ENGLISH


def _(message: str) -> str:
    """The message in the operator's language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a message for translation where it is defined (a table of labels); `_()` translates it when shown."""
    return message


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """vi or en from the first locale variable set: vi* → vi, en* → en, C/POSIX/other → vi."""
    env = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        value = (env.get(name) or "").strip()
        if value:
            return ENGLISH if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def choose_language(configured: str | None, environ: Mapping[str, str] | None = None) -> str:
    """`[ui] language` when the configuration sets one, else the environment's."""
    if configured:
        return ENGLISH if configured.strip().lower().startswith("en") else VIETNAMESE
    return language_from_environment(environ)


def activate(language: str) -> None:
    """Translate every later `_()` into `language` (vi or en)."""
    global _active, _language
    if language == VIETNAMESE:
        _active = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[VIETNAMESE], fallback=True)
    else:
        _active = gettext.NullTranslations()
    _language = language


def current_language() -> str:
    return _language


def in_vietnamese() -> bool:
    return _language == VIETNAMESE
