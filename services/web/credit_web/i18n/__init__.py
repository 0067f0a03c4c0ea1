"""Translations: the dashboard's strings in French and English, and the choice of the reader's language.

Strings live in plain dicts `MESSAGES = {"key": {"fr": ..., "en": ...}}`, one module per part of the UI
(shell, panels), merged here. A missing key or language is a bug: `translate` raises, and a test checks
that every key has both languages and that every key the templates use exists.
"""

from __future__ import annotations

from collections.abc import Callable

from credit_web.i18n import panels, shell

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"
SOURCES: dict[str, dict[str, dict[str, str]]] = {"shell": shell.MESSAGES, "panels": panels.MESSAGES}
MESSAGES: dict[str, dict[str, str]] = {k: v for source in SOURCES.values() for k, v in source.items()}

Translator = Callable[..., str]


def translate(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang`, with `{name}` placeholders filled from `values`."""
    text = MESSAGES[key][lang]
    return text.format(**values) if values else text


def translator(lang: str) -> Translator:
    def t(key: str, **values: object) -> str:
        return translate(lang, key, **values)

    return t


def duplicate_keys() -> set[str]:
    """Keys defined by more than one source (the later one would silently win)."""
    seen: set[str] = set()
    duplicates: set[str] = set()
    for source in SOURCES.values():
        duplicates |= seen & source.keys()
        seen |= source.keys()
    return duplicates


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
