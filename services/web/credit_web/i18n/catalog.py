"""The translation catalogues' upkeep: extract the English strings, update each language's `.po`, compile the
`.mo`, and check that nothing is missing (`credit i18n extract|update|compile|check`, and the tests).

Babel does the work (`pybabel extract/update/compile` as functions); the mapping of files to extractors is
`services/web/babel.cfg`, plus the strings that live as data in the core (feature labels, category words).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from credit_core import features
from credit_core.features import categories
from credit_web import i18n

WEB_PACKAGE = Path(__file__).resolve().parent.parent
BABEL_CFG = WEB_PACKAGE.parent / "babel.cfg"
POT_PATH = i18n.LOCALE_DIR / f"{i18n.DOMAIN}.pot"
# Our gettext entry points besides Babel's defaults (_, gettext, ngettext, pgettext, N_...):
# translate(lang, message), translate_in(lang, context, message), translate_plural(lang, one, many, n) and the
# charts' label(message, lang).
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "translate": (2,), "translate_in": ((2, "c"), 3), "label": (1,),
            "translate_plural": (2, 3)}
COPYRIGHT = "Prêt à dépenser"


def core_messages() -> Iterator[tuple[str, str]]:
    """(message, where) of the strings the core holds as data: feature labels, descriptions, category words."""
    for spec in features.CATALOGUE:
        yield spec.label, f"feature {spec.name}"
        if spec.description:
            yield spec.description, f"feature {spec.name} (description)"
    for feature, words in categories.WORDS.items():
        for code, word in words.items():
            yield word, f"category {feature}={code}"
    for code, word in {**categories.SHARED, **categories.SHARED_FLAG}.items():
        yield word, f"category {code}"


def extract() -> Catalog:
    """Every translatable string of the web service (templates, code) and of the core's data."""
    with BABEL_CFG.open() as f:
        method_map, options_map = parse_mapping_cfg(f, str(BABEL_CFG))  # type: ignore[no-untyped-call]
    catalog = Catalog(project="credit-web", copyright_holder=COPYRIGHT, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(WEB_PACKAGE), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        catalog.add(message, None, [(f"credit_web/{filename}", lineno)], auto_comments=comments, context=context)
    for message, where in core_messages():
        catalog.add(message, None, [(f"credit_core ({where})", 0)])
    return catalog


def write_template(template: Catalog, path: Path = POT_PATH) -> Path:
    with path.open("wb") as f:
        write_po(f, template, width=120, sort_output=True, include_lineno=False)
    return path


def read_catalogue(lang: str) -> Catalog:
    with i18n.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang, domain=i18n.DOMAIN)


def update(template: Catalog, lang: str) -> Catalog:
    """`pybabel update`: the language's `.po` gets the new strings (untranslated) and loses the dropped ones."""
    catalog = read_catalogue(lang)
    catalog.update(template, no_fuzzy_matching=True)
    with i18n.po_path(lang).open("wb") as f:
        write_po(f, catalog, width=120, sort_output=True, ignore_obsolete=True, include_previous=False,
                 include_lineno=False)
    return catalog


def _key(message_id: object, context: str | None) -> tuple[str, str | None]:
    return (message_id if isinstance(message_id, str) else str(message_id[0])), context  # type: ignore[index]


def problems(lang: str, template: Catalog | None = None) -> list[str]:
    """What is wrong with `lang`'s catalogue: strings shown but not in it, entries untranslated or fuzzy,
    entries no longer used, placeholders that do not match."""
    template = template or extract()
    catalog = read_catalogue(lang)
    found: list[str] = []
    wanted = {_key(m.id, m.context) for m in template if m.id}
    have = {_key(m.id, m.context): m for m in catalog if m.id}
    found += [f"{lang}: not in the catalogue: {k[0]!r}" for k in sorted(wanted - have.keys(), key=str)]
    found += [f"{lang}: no longer used: {k[0]!r}" for k in sorted(have.keys() - wanted, key=str)]
    for key, message in have.items():
        if not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            found.append(f"{lang}: untranslated: {key[0]!r}")
        elif message.fuzzy:
            found.append(f"{lang}: fuzzy (to review): {key[0]!r}")
    for message, errors in catalog.check():
        found += [f"{lang}: {message.id!r}: {error}" for error in errors]
    return found
