"""The reasons behind a decision as sentences an advisor can read out to the client.

Explain gives each reason as data (feature, direction, kind, value, comparison, share, rate and n of the
client's group, probability points). Each case has its own whole sentence in the catalogue, written so that
nothing in it must agree with the feature's label: the label stands alone before a colon, and the adjective
agrees with "value" ("une valeur plus élevée"), so French grammar holds for every label.
"""

from __future__ import annotations

from typing import Any

from credit_core import features
from credit_web import formatting
from credit_web.i18n import N_, translate
from credit_web.i18n.features import display_value, feature_label

RAISES, LOWERS = "raises_risk", "lowers_risk"

# (case, direction) -> the whole sentence.
SENTENCES: dict[tuple[str, str], str] = {
    ("missing", RAISES): N_("%(label)s: not provided. This raises the estimated risk by %(points)s points."),
    ("missing", LOWERS): N_("%(label)s: not provided. This lowers the estimated risk by %(points)s points."),
    ("fact", RAISES): N_("%(label)s: %(value)s. This raises the estimated risk by %(points)s points."),
    ("fact", LOWERS): N_("%(label)s: %(value)s. This lowers the estimated risk by %(points)s points."),
    ("group", RAISES): N_("%(label)s: %(value)s (clients in this group defaulted %(rate)s of the time, "
                          "n = %(n)s). This raises the estimated risk by %(points)s points."),
    ("group", LOWERS): N_("%(label)s: %(value)s (clients in this group defaulted %(rate)s of the time, "
                          "n = %(n)s). This lowers the estimated risk by %(points)s points."),
    ("higher", RAISES): N_("%(label)s: %(value)s, a higher value than for %(share)s of clients. This raises the "
                           "estimated risk by %(points)s points."),
    ("higher", LOWERS): N_("%(label)s: %(value)s, a higher value than for %(share)s of clients. This lowers the "
                           "estimated risk by %(points)s points."),
    ("lower", RAISES): N_("%(label)s: %(value)s, a lower value than for %(share)s of clients. This raises the "
                          "estimated risk by %(points)s points."),
    ("lower", LOWERS): N_("%(label)s: %(value)s, a lower value than for %(share)s of clients. This lowers the "
                          "estimated risk by %(points)s points."),
}


def _points(reason: dict[str, Any], lang: str) -> str:
    return formatting.points(float(reason.get("contribution_pp") or 0.0), lang)


def case(reason: dict[str, Any]) -> str:
    kind = reason.get("kind")
    if kind == "missing":
        return "missing"
    if kind == "categorical":
        suppressed = reason.get("suppressed") or reason.get("default_rate") is None or reason.get("n") is None
        return "fact" if suppressed else "group"  # no rate shown for a group under 30 clients
    spec = features.FEATURES_BY_NAME.get(str(reason.get("feature")))
    if (spec is not None and spec.unit == "flag") or reason.get("share_pct") is None:
        return "fact"  # a yes/no fact has no "higher than most clients"
    return "higher" if reason.get("comparison") == "higher" else "lower"


def sentence(reason: dict[str, Any], lang: str) -> str:
    """One reason as a full sentence in `lang` (a factor outside the catalogue, which a model of another feature
    set could give, reads as its name)."""
    name = str(reason.get("feature") or "")
    if reason.get("direction") not in (RAISES, LOWERS) or name not in features.FEATURES_BY_NAME:
        return name
    which = case(reason)
    values: dict[str, Any] = {"label": feature_label(name, lang), "value": display_value(name, reason.get("value"),
                                                                                          lang),
                              "points": _points(reason, lang)}
    if which == "group":
        values |= {"rate": formatting.percent(float(reason["default_rate"]), lang),
                   "n": formatting.number(int(reason["n"]), lang)}
    elif which in ("higher", "lower"):
        values["share"] = formatting.percent(int(reason["share_pct"]) / 100, lang, 0)
    return translate(lang, SENTENCES[which, reason["direction"]], **values)


def sentences(explanation: dict[str, Any] | None, lang: str) -> list[str]:
    return [sentence(r, lang) for r in (explanation or {}).get("reasons") or []]
