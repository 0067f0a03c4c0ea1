"""The charts' words go through the web's gettext catalogues like every other string (English source)."""

from __future__ import annotations

from typing import Any

from credit_web import i18n


def label(message: str, lang: str, **values: Any) -> str:
    """`message` (English, `%(name)s` placeholders) in `lang`, filled from `values`."""
    return i18n.translate(lang, message, **values)
