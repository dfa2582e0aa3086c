"""What operators read, translated (gettext): every user-facing message goes through `_()`.

Operators at district counters read Vietnamese. Messages are written in English
in the code, marked with `_()`, and translated by the gettext catalogs shipped in
`pipeline/locale/`; `--json` output stays English (keys and values a script reads).
Until a language is chosen, `_()` returns the message as written.
"""

from __future__ import annotations

import gettext

DOMAIN = "dossier"

_active: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the operator's language."""
    return _active.gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return _active.ngettext(singular, plural, count)
