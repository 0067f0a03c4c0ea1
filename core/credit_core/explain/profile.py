"""The advisor's profile card: a client's key application fields, labelled and displayed in French and English.

Values come from the raw `application` row (not the model features): the card shows what the client declared.
Time spans are turned into years, Home Credit's category codes into words; amounts carry the euro sign here
(the card stands alone, unlike feature values inside an explanation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from credit_core import features
from credit_core.features._expr import DAYS_PER_YEAR, DAYS_SENTINEL
from credit_core.features._format import number

LANGS = ("fr", "en")
Display = dict[str, str]

_MISSING: Display = {"fr": "non renseigné", "en": "not provided"}
_NOT_EMPLOYED: Display = {"fr": "sans emploi salarié (retraité, sans emploi…)",
                          "en": "no current job (pensioner, unemployed…)"}

# Home Credit's category values (English codes) as an advisor says them. Unknown values are shown as they are.
_WORDS: dict[str, dict[str, Display]] = {
    "CODE_GENDER": {"F": {"fr": "femme", "en": "female"}, "M": {"fr": "homme", "en": "male"}},
    "NAME_FAMILY_STATUS": {
        "Married": {"fr": "marié(e)", "en": "married"},
        "Civil marriage": {"fr": "union civile", "en": "civil partnership"},
        "Single / not married": {"fr": "célibataire", "en": "single"},
        "Separated": {"fr": "séparé(e)", "en": "separated"},
        "Widow": {"fr": "veuf / veuve", "en": "widowed"},
    },
    "NAME_INCOME_TYPE": {
        "Working": {"fr": "salarié(e)", "en": "employee"},
        "Commercial associate": {"fr": "commercial(e) associé(e)", "en": "commercial associate"},
        "Pensioner": {"fr": "retraité(e)", "en": "pensioner"},
        "State servant": {"fr": "fonctionnaire", "en": "civil servant"},
        "Unemployed": {"fr": "sans emploi", "en": "unemployed"},
        "Student": {"fr": "étudiant(e)", "en": "student"},
        "Businessman": {"fr": "chef d'entreprise", "en": "business owner"},
        "Maternity leave": {"fr": "congé maternité", "en": "maternity leave"},
    },
    "OCCUPATION_TYPE": {
        "Laborers": {"fr": "ouvrier(ère)", "en": "labourer"},
        "Low-skill Laborers": {"fr": "ouvrier(ère) non qualifié(e)", "en": "low-skill labourer"},
        "Core staff": {"fr": "personnel permanent", "en": "core staff"},
        "Accountants": {"fr": "comptable", "en": "accountant"},
        "Managers": {"fr": "cadre dirigeant", "en": "manager"},
        "Drivers": {"fr": "chauffeur", "en": "driver"},
        "Sales staff": {"fr": "vendeur(se)", "en": "sales staff"},
        "Cleaning staff": {"fr": "agent d'entretien", "en": "cleaning staff"},
        "Cooking staff": {"fr": "cuisinier(ère)", "en": "cook"},
        "Private service staff": {"fr": "employé(e) de maison", "en": "private service staff"},
        "Medicine staff": {"fr": "personnel médical", "en": "medical staff"},
        "Security staff": {"fr": "agent de sécurité", "en": "security staff"},
        "High skill tech staff": {"fr": "technicien(ne) qualifié(e)", "en": "skilled technician"},
        "Waiters/barmen staff": {"fr": "serveur(se) / barman", "en": "waiter / bartender"},
        "Realty agents": {"fr": "agent immobilier", "en": "estate agent"},
        "Secretaries": {"fr": "secrétaire", "en": "secretary"},
        "IT staff": {"fr": "informaticien(ne)", "en": "IT staff"},
        "HR staff": {"fr": "ressources humaines", "en": "HR staff"},
    },
    "NAME_HOUSING_TYPE": {
        "House / apartment": {"fr": "maison / appartement", "en": "house / flat"},
        "With parents": {"fr": "chez ses parents", "en": "with parents"},
        "Municipal apartment": {"fr": "logement social", "en": "council flat"},
        "Rented apartment": {"fr": "locataire", "en": "rented flat"},
        "Office apartment": {"fr": "logement de fonction", "en": "company flat"},
        "Co-op apartment": {"fr": "coopérative d'habitation", "en": "housing co-op"},
    },
    "NAME_EDUCATION_TYPE": {
        "Secondary / secondary special": {"fr": "secondaire", "en": "secondary school"},
        "Higher education": {"fr": "supérieur", "en": "higher education"},
        "Incomplete higher": {"fr": "supérieur inachevé", "en": "some higher education"},
        "Lower secondary": {"fr": "collège", "en": "lower secondary"},
        "Academic degree": {"fr": "diplôme universitaire (doctorat)", "en": "academic degree"},
    },
    "NAME_CONTRACT_TYPE": {
        "Cash loans": {"fr": "prêt personnel", "en": "cash loan"},
        "Revolving loans": {"fr": "crédit renouvelable", "en": "revolving credit"},
    },
    "FLAG_OWN_CAR": {"Y": {"fr": "oui", "en": "yes"}, "N": {"fr": "non", "en": "no"}},
    "FLAG_OWN_REALTY": {"Y": {"fr": "oui", "en": "yes"}, "N": {"fr": "non", "en": "no"}},
}


def euros(x: float, lang: str) -> str:
    """202500 → "202 500 €" (fr) / "€202,500" (en); cents only below 100."""
    decimals = 0 if abs(x) >= 100 else 2
    if lang == "fr":
        return f"{number(x, decimals, lang)} €"
    sign = "-" if x < 0 else ""
    return f"{sign}€{abs(x):,.{decimals}f}"


def _catalogue(feature_name: str) -> Callable[[float], Display]:
    """Display through the feature catalogue's formatter (one way to write years, counts, …)."""
    spec = features.FEATURES_BY_NAME[feature_name]
    return lambda x: {lang: features.format_value(spec, x, lang) for lang in LANGS}


def _amount(x: float) -> Display:
    return {lang: euros(x, lang) for lang in LANGS}


@dataclass(frozen=True)
class Field:
    name: str
    label_fr: str
    label_en: str
    kind: str  # "category" | "amount" | "count" | "years"
    # Turns the raw column value into the field's value (e.g. DAYS_BIRTH → years); None = missing.
    source: str = ""
    to_value: Callable[[Any], Any] = lambda v: v
    show: Callable[[float], Display] | None = None


def _years_before(days: Any) -> float | None:
    return None if days is None else -float(days) / DAYS_PER_YEAR


def _employment_years(days: Any) -> float | None:
    return None if days is None or float(days) == DAYS_SENTINEL else max(0.0, -float(days) / DAYS_PER_YEAR)


FIELDS: tuple[Field, ...] = (
    Field("AGE_YEARS", "Âge", "Age", "years", "DAYS_BIRTH", _years_before, _catalogue("AGE_YEARS")),
    Field("CODE_GENDER", "Sexe", "Sex", "category"),
    Field("NAME_FAMILY_STATUS", "Situation familiale", "Family status", "category"),
    Field("CNT_CHILDREN", "Enfants à charge", "Children", "count", show=_catalogue("CNT_CHILDREN")),
    Field("AMT_INCOME_TOTAL", "Revenu annuel déclaré", "Declared yearly income", "amount", show=_amount),
    Field("NAME_INCOME_TYPE", "Source de revenus", "Income source", "category"),
    Field("OCCUPATION_TYPE", "Profession", "Occupation", "category"),
    Field("YEARS_EMPLOYED", "Ancienneté dans l'emploi", "Time in current job", "years", "DAYS_EMPLOYED",
          _employment_years, _catalogue("YEARS_EMPLOYED")),
    Field("NAME_HOUSING_TYPE", "Logement", "Housing", "category"),
    Field("NAME_EDUCATION_TYPE", "Niveau d'études", "Education", "category"),
    Field("NAME_CONTRACT_TYPE", "Type de crédit demandé", "Loan type requested", "category"),
    Field("AMT_CREDIT", "Montant du crédit", "Credit amount", "amount", show=_amount),
    Field("AMT_ANNUITY", "Échéance", "Payment (annuity)", "amount", show=_amount),
    Field("AMT_GOODS_PRICE", "Prix du bien financé", "Price of the goods", "amount", show=_amount),
    Field("REGION_RATING_CLIENT", "Note de la région (1 = meilleure, 3 = moins bonne)",
          "Region rating (1 = best, 3 = worst)", "count", show=_catalogue("REGION_RATING_CLIENT")),
    Field("FLAG_OWN_CAR", "Possède une voiture", "Owns a car", "category"),
    Field("FLAG_OWN_REALTY", "Propriétaire de son logement", "Owns a home", "category"),
)

SOURCE_COLUMNS: tuple[str, ...] = tuple(dict.fromkeys(f.source or f.name for f in FIELDS))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == "XNA"


def _display(field: Field, raw: Any, value: Any) -> Display:
    if field.name == "YEARS_EMPLOYED" and raw is not None and float(raw) == DAYS_SENTINEL:
        return dict(_NOT_EMPLOYED)
    if _missing(value):
        return dict(_MISSING)
    if field.kind == "category":
        words = _WORDS.get(field.name, {}).get(str(value))
        return dict(words) if words else {lang: str(value) for lang in LANGS}
    show = field.show or (lambda x: {lang: number(x, 0, lang) for lang in LANGS})
    return show(float(value))


def build(application: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The profile card's fields for one raw application row (column name → value)."""
    out = []
    for field in FIELDS:
        raw = application.get(field.source or field.name)
        value = field.to_value(raw)
        if isinstance(value, float) and math.isnan(value):
            value = None
        if field.kind == "category" and value == "XNA":
            value = None
        out.append({
            "name": field.name,
            "label": {"fr": field.label_fr, "en": field.label_en},
            "kind": field.kind,
            "value": float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value,
            "display": _display(field, raw, value),
        })
    return out
