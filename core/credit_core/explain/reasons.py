"""Plain-language reasons (French and English) for the factors that most increase a client's risk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from credit_core.explain import catalogue
from credit_core.explain.population import Population, is_missing

MAX_REASONS = 4


@dataclass(frozen=True)
class Reason:
    feature: str
    shap: float
    value: Any
    display_value: dict[str, str]
    percentile: float | None
    default_rate: float | None
    text: dict[str, str]


def _numeric_sentence(label: dict[str, str], shown: dict[str, str], pct: float) -> dict[str, str]:
    p = round(pct)
    if pct >= 50:
        fr = f"{label['fr']} ({shown['fr']}) est plus élevé que pour {p} % des clients, ce qui augmente le risque."
        en = f"{label['en']} ({shown['en']}) is higher than for {p}% of clients, which increases the risk."
    else:
        fr = (f"{label['fr']} ({shown['fr']}) est plus faible que pour {100 - p} % des clients, "
              "ce qui augmente le risque.")
        en = f"{label['en']} ({shown['en']}) is lower than for {100 - p}% of clients, which increases the risk."
    return {"fr": fr, "en": en}


def sentence(name: str, value: Any, percentile: float | None, default_rate: float | None) -> dict[str, str]:
    label, shown = catalogue.labels(name), catalogue.displays(name, value)
    if is_missing(value):
        return {
            "fr": f"{label['fr']} : information non renseignée, ce qui augmente le risque.",
            "en": f"{label['en']}: this information is missing, which increases the risk.",
        }
    if percentile is not None:
        return _numeric_sentence(label, shown, percentile)
    if default_rate is not None:
        rate = f"{100 * default_rate:.1f}"
        return {
            "fr": f"{label['fr']} : « {shown['fr']} ». Les clients dans ce cas font défaut dans "
                  f"{rate.replace('.', ',')} % "
                  "des cas, ce qui augmente le risque.",
            "en": f"{label['en']}: “{shown['en']}”. Clients in this case default {rate}% of the time, "
                  "which increases the risk.",
        }
    return {
        "fr": f"{label['fr']} ({shown['fr']}) augmente le risque.",
        "en": f"{label['en']} ({shown['en']}) increases the risk.",
    }


def top_reasons(
    names: list[str], shap: list[float], values: list[Any], population: Population | None, limit: int = MAX_REASONS
) -> list[Reason]:
    """Up to `limit` features with a positive SHAP value (they push towards default), largest first."""
    order = sorted((i for i, s in enumerate(shap) if s > 0), key=lambda i: -shap[i])[:limit]
    reasons = []
    for i in order:
        name, value = names[i], values[i]
        pct = population.percentile(name, value) if population is not None else None
        rate = population.default_rate(name, value) if population is not None else None
        reasons.append(Reason(name, float(shap[i]), value, catalogue.displays(name, value), pct, rate,
                              sentence(name, value, pct, rate)))
    return reasons
