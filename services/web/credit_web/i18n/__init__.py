"""Translations: gettext catalogues (Babel) and the choice of the reader's language.

Source strings are English, in the code and templates (`_("...")` in Jinja, `translate(lang, "...")`, or
`N_("...")` to mark a string translated later). Each other language is one catalogue,
`credit_web/locale/<lang>/LC_MESSAGES/messages.po`; the languages offered are English plus the folders found
there, so a new language is a new `.po` file and nothing else. Placeholders are `%(name)s`.
The `.mo` files are compiled from the `.po` at start when missing or older (`credit i18n compile` does it ahead).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"
SOURCE_LANG = "en"
DEFAULT_LANG = "fr"


def _catalogue_langs() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LOCALE_DIR.iterdir()
                        if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())) if LOCALE_DIR.is_dir() else ()


# The default language first, then the others in code order; English is always there (the source language).
LANGS: tuple[str, ...] = tuple(sorted({SOURCE_LANG, *_catalogue_langs()}, key=lambda c: (c != DEFAULT_LANG, c)))

Translator = Callable[..., str]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalogue(lang: str) -> Translations:
    """The `.mo` of `lang`, (re)compiled from its `.po` when missing or older; in memory if the folder is
    read-only (an installed package)."""
    po, mo = po_path(lang), po_path(lang).with_suffix(".mo")
    if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
        with po.open("rb") as f:
            catalog = read_po(f, locale=lang, domain=DOMAIN)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        try:
            mo.write_bytes(buffer.getvalue())
        except OSError:
            buffer.seek(0)
            return Translations(buffer, domain=DOMAIN)
    with mo.open("rb") as f:
        return Translations(f, domain=DOMAIN)


@cache
def translations(lang: str) -> NullTranslations:
    if lang == SOURCE_LANG or lang not in LANGS:
        return NullTranslations()
    return compile_catalogue(lang)


def N_(message: str) -> str:
    """Marks `message` for extraction; it is translated where it is shown (`_(value)` in a template)."""
    return message


def translate(lang: str, message: str, **values: object) -> str:
    """`message` (English source) in `lang`, `%(name)s` placeholders filled from `values`."""
    return str(translations(lang).gettext(message)) % values


def translate_plural(lang: str, singular: str, plural: str, count: float, **values: object) -> str:
    """The singular or plural form `lang` uses for `count` (French: "1,5 an", English: "1.5 years")."""
    return str(translations(lang).ngettext(singular, plural, count)) % values  # type: ignore[arg-type]


def translate_in(lang: str, context: str, message: str, **values: object) -> str:
    """Like `translate` for a message whose English is ambiguous (same words, another meaning)."""
    return str(translations(lang).pgettext(context, message)) % values


def translator(lang: str) -> Translator:
    def t(message: str, **values: object) -> str:
        return translate(lang, message, **values)

    return t


def normalise(value: str | None) -> str | None:
    """'en', 'EN', 'en-GB' → 'en'; anything we do not speak → None."""
    if not value:
        return None
    primary = value.strip().split("-")[0].split("_")[0].lower()
    return primary if primary in LANGS else None


def from_accept_language(header: str | None) -> str | None:
    """The best of our languages in an Accept-Language header (q-values honoured), else None."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        lang = normalise(tag)
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return min(ranked)[2] if ranked else None


def choose(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """`?lang=` first, then the remembered choice (cookie), then the browser's preference, then French."""
    return normalise(query) or normalise(cookie) or from_accept_language(accept_language) or DEFAULT_LANG
