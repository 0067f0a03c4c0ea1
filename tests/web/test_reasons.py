"""Issue 13 item 1: reasons are whole sentences per case from the catalogue, follow the decision, and read
correctly in French whatever the gender or number of the feature's label."""

from __future__ import annotations

from typing import Any

import pytest

from credit_web import reasons


def _reason(**fields: Any) -> dict[str, Any]:
    base = {"feature": "EMPLOYED_TO_AGE", "direction": "lowers_risk", "shap": -0.4, "contribution_pp": -1.23,
            "value": 0.3, "kind": "numeric", "comparison": "higher", "share_pct": 65, "percentile": 65.2,
            "default_rate": None, "n": None, "suppressed": False}
    return base | fields


def test_numeric_reason_agrees_with_value_not_with_the_label() -> None:
    fr = reasons.sentence(_reason(), "fr")
    assert fr.startswith("Part de la vie passée dans l'emploi actuel : 30\u00a0%, une valeur plus élevée que pour 65")
    assert "réduit le risque estimé de 1,2 points" in fr
    assert "plus élevé " not in fr  # the old "Part … plus élevé"
    en = reasons.sentence(_reason(), "en")
    assert en == ("Share of life in current job: 30%, a higher value than for 65% of clients. This lowers the "
                  "estimated risk by 1.2 points.")


def test_a_yes_no_fact_is_not_compared_with_other_clients() -> None:
    reason = _reason(feature="FLAG_DOCUMENT_3", value=1.0, direction="raises_risk", contribution_pp=0.4)
    fr = reasons.sentence(reason, "fr")
    assert fr == "Justificatif n° 3 fourni : oui. Cela augmente le risque estimé de 0,4 points."
    assert "que pour" not in reasons.sentence(reason, "en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_category_reason_shows_its_group_rate_with_n_or_nothing_under_30(lang: str) -> None:
    group = _reason(feature="NAME_EDUCATION_TYPE", kind="categorical", value="Lower secondary",
                    value_code="Lower secondary", default_rate=0.054, n=241, direction="raises_risk")
    text = reasons.sentence(group, lang)
    assert ("collège" if lang == "fr" else "lower secondary") in text
    assert "n = 241" in text and ("5,4" if lang == "fr" else "5.4") in text
    small = group | {"n": 21, "default_rate": None, "suppressed": True}
    assert "n = " not in reasons.sentence(small, lang) and "%" not in reasons.sentence(small, lang)


def test_missing_value_and_unknown_shapes() -> None:
    assert "non renseignée" in reasons.sentence(_reason(kind="missing", value=None), "fr")
    outside = {"feature": "NOT_IN_THE_CATALOGUE", "direction": "raises_risk", "shap": 0.2}
    assert reasons.sentence(outside, "fr") == "NOT_IN_THE_CATALOGUE"  # a factor the catalogue cannot word


def test_every_case_has_both_directions() -> None:
    cases = {case for case, _ in reasons.SENTENCES}
    assert {(c, d) for c in cases for d in (reasons.RAISES, reasons.LOWERS)} == set(reasons.SENTENCES)
