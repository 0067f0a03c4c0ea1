"""Feature names, category values and feature values as the reader's language says them.

The one feature catalogue (`credit_core.features`) holds each label and description in English, the source
language; category codes read through `credit_core.features.categories`. Both are extracted into the web's
gettext catalogues (see `credit_web.i18n.catalog`), so French, or any added language, comes from the `.po`.
"""

from __future__ import annotations

import math
from typing import Any

from credit_core import features
from credit_core.features import categories
from credit_web.i18n import translate

# The catalogue's own value formatter knows these two; another language reads numbers the English way until
# the web's locale formatter covers feature values.
_FORMATTER_LANGS = ("fr", "en")


def feature_label(name: str, lang: str) -> str:
    spec = features.FEATURES_BY_NAME.get(name)
    return translate(lang, spec.label_en) if spec is not None else name


def feature_description(name: str, lang: str) -> str:
    spec = features.FEATURES_BY_NAME.get(name)
    return translate(lang, spec.description_en) if spec is not None and spec.description_en else ""


def category(feature: str, code: Any, lang: str) -> str:
    """A category code ("Widow", "M", "XNA") in words ("veuf / veuve", "homme", "non renseigné")."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return translate(lang, categories.SHARED["XNA"])
    return translate(lang, categories.word(feature, str(code)))


def display_value(name: str, value: Any, lang: str) -> str:
    """A feature value as an advisor reads it ("52 ans", "veuf / veuve", "non renseigné")."""
    spec = features.FEATURES_BY_NAME.get(name)
    if spec is None:
        return "—" if value is None else str(value)
    if spec.is_categorical:
        return category(name, value, lang)
    return str(features.format_value(spec, value, lang if lang in _FORMATTER_LANGS else "en"))
