"""Pure pieces of the panels: the what-if form parsing, the messages chosen in code."""

from __future__ import annotations

import pytest

from credit_web.routes import _whatif


@pytest.mark.parametrize(("text", "expected"), [
    ("450000", 450000.0), ("450 000", 450000.0), ("450\u202f000,5", 450000.5), ("450,000.5", 450000.5),
    ("12.5", 12.5), ("1 000 €", 1000.0), ("abc", None), ("nan", None), ("inf", None), ("", None),
])
def test_amount_parsing(text: str, expected: float | None) -> None:
    assert _whatif.parse_amount(text) == expected


def test_whatif_form_parsing_keeps_only_valid_changes() -> None:
    parsed = _whatif.parse({"client": "100002", "AMT_CREDIT": "300000", "AMT_ANNUITY": "", "AMT_GOODS_PRICE": "0",
                            "NAME_CONTRACT_TYPE": "Revolving loans", "DAYS_BIRTH": "-1"})
    assert parsed.client == 100002
    assert parsed.changes == {"AMT_CREDIT": 300000.0, "NAME_CONTRACT_TYPE": "Revolving loans"}
    # Unknown fields are ignored, not sent.
    assert parsed.errors == {"AMT_GOODS_PRICE": "The amount must be positive and below one billion."}
    assert _whatif.parse({"client": "abc"}).errors == {"client": "Missing or invalid client."}


def test_whatif_fields_come_from_the_profile() -> None:
    profile = {"fields": [{"name": "AMT_CREDIT", "value": 328252.5}, {"name": "AMT_ANNUITY", "value": 21496.0},
                          {"name": "NAME_CONTRACT_TYPE", "value": "XNA"}]}
    fields = {f["name"]: f for f in _whatif.form_fields(profile, "en")}
    assert fields["AMT_CREDIT"]["value"] == "328252.50" and fields["AMT_ANNUITY"]["value"] == "21496"
    assert fields["AMT_GOODS_PRICE"]["value"] == ""  # not in the profile: left empty, so not sent
    assert fields["NAME_CONTRACT_TYPE"]["value"] == ""  # an unusual value is never posted back
    assert fields["AMT_CREDIT"]["label"] == "Credit amount"


def test_messages_chosen_in_code_are_in_the_catalogue() -> None:
    from credit_web import i18n
    from credit_web.i18n import catalog
    from credit_web.routes import decisions
    from credit_web.routes._fetch import Failure

    keys = {Failure(service, status).notice_key for service in ("scoring", "explain", "database")
            for status in (None, 404, 409, 422)}
    keys |= set(_whatif.CONTRACT_TYPES.values())
    form = {"choice": "override", "reason": ""}
    keys |= set(decisions._validate(form).values()) | set(decisions._validate({"choice": "", "reason": "x" * 3000})
                                                            .values())
    extracted = {m.id for m in catalog.extract()}
    assert keys - extracted == set()
    assert all(i18n.translate("fr", key) != key for key in keys)
    assert len(keys) >= 10


REPORT = {
    "threshold": 0.085, "auc": 0.7712, "n_evaluated": 4000, "baseline_auc": 0.7301, "oracle_auc": 0.8,
    "tuning": {"budget_minutes": 10, "trials": 42, "best_params": {"depth": 6}, "best_auc": 0.7712, "chosen": "tuned"},
    "calibration": {"method": "isotonic", "brier_raw": 0.07, "brier": 0.068, "ece_raw": 0.021, "ece": 0.006,
                    "reliability": [{"predicted": 0.05, "observed": 0.049, "n": 800},
                                    {"predicted": 0.6, "observed": 0.7, "n": 12}]},
    "feature_effects": [{"feature": "EXT_SOURCE_MEAN", "gain_auc": 0.051, "note": "strongest"}],
    "counterfactual": {"refused_checked": 200, "feasible": 37, "feasible_share": 0.185},
}


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Usage prévu", "0,730", "42 essais", "isotonic", "18,5", "Moyenne des scores externes",
            "non affiché (moins de 30 clients)", "synthétiques"]),
    ("en", ["Intended use", "0.730", "42 trials", "isotonic", "18.5%", "Average external score",
            "not shown (fewer than 30 clients)", "synthetic"]),
])
def test_model_card_is_written_from_the_report_in_each_language(lang: str, words: list[str]) -> None:
    """Issue 13 item F: the card comes from the training report's keys, in the reader's language, and shows no
    server path (the Markdown card with `Source: /path/...` is no longer shown)."""
    from credit_web.rendering import templates

    html = templates.env.get_template("partials/_model_card.html").render(report=REPORT, lang=lang)
    for word in words:
        assert word in html, word
    for key in ("baseline_auc", "tuning", "calibration", "feature_effects", "counterfactual"):
        assert f'data-key="{key}"' in html
    assert "/" not in html.replace("</", "").replace("/>", "")  # no path


PENSIONER = {"DAYS_BIRTH": -25_000.0, "DAYS_EMPLOYED": 365243.0, "NAME_INCOME_TYPE": "Pensioner",
             "AMT_INCOME_TOTAL": 202_500.0, "NAME_FAMILY_STATUS": "Widow", "CODE_GENDER": "F", "CNT_CHILDREN": 0.0,
             "OCCUPATION_TYPE": None, "NAME_HOUSING_TYPE": "House / apartment", "FLAG_OWN_REALTY": "Y",
             "NAME_CONTRACT_TYPE": "Cash loans", "AMT_CREDIT": 1_293_502.5}


@pytest.mark.parametrize(("lang", "words", "absent"), [
    ("fr", ["Âge", "68 ans", "202\u202f500\xa0€", "veuf / veuve", "femme", "retraité", "sans emploi salarié",
            "non renseigné", "maison / appartement", "prêt personnel", "1\u202f293\u202f502\xa0€"],
     ["Widow", "Pensioner", "House / apartment", "Cash loans"]),
    ("en", ["Age", "68 years", "€202,500", "widowed", "female", "pensioner", "no current job", "cash loan",
            "€1,293,502"], ["Widow", "veuf"]),
])
def test_profile_card_is_worded_and_formatted_by_the_web(lang: str, words: list[str], absent: list[str]) -> None:
    """The explain service gives the profile as data (codes, numbers, a status); every word and number format on
    the card comes from the web's catalogues and Babel, so a third language is one more .po file."""
    from credit_core.explain import profile
    from credit_web.rendering import templates

    payload = {"client_id": 7, "fields": profile.build(PENSIONER)}
    html = templates.env.get_template("partials/_profile.html").render(profile=payload, client=7, lang=lang)
    for word in words:
        assert word in html, word
    for word in absent:
        assert f">{word}<" not in html, word


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["(1 essai en 1 min,", "3,7\u00a0%", "Part de l'importance dans le modèle"]),
    ("en", ["(1 trial in 1 min,", "3.7%", "Share of the model's importance"]),
])
def test_model_card_counts_agree_and_importance_reads_as_a_share(lang: str, words: list[str]) -> None:
    """One trial is "1 essai", never "1 essais en 1 minutes"; a feature's weight is its share of the importance."""
    from credit_web.rendering import templates

    report = REPORT | {"tuning": {"budget_minutes": 1.0, "trials": 1, "best_auc": 0.8, "chosen": "baseline"},
                       "feature_effects": [{"feature": "EXT_SOURCE_MEAN", "importance": 3.692, "note": "n"}]}
    html = templates.env.get_template("partials/_model_card.html").render(report=report, lang=lang)
    for word in words:
        assert word in html, word
