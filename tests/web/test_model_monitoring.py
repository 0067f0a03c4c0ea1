"""The model page's drift and champion/challenger sections (issue 16): the template context built from the scoring
service's GET /v1/model/monitoring body, and the two partials it renders, in French and English."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from credit_web.rendering import templates
from credit_web.routes import _monitoring
from credit_web.routes._fetch import Failure
from tests.web._panels import text_of

DRIFT: dict[str, Any] = {
    "report_id": 7, "created_at": "2026-12-05T10:30:00+00:00", "source": "audit",
    "window_start": "2026-11-05T10:30:00+00:00", "window_end": "2026-12-05T10:30:00+00:00",
    "n_current": 1234, "n_reference": 4000, "drifted_share": 0.25, "threshold": 0.2, "method": "psi",
    "drifted_features": ["AGE_YEARS", "CODE_GENDER"], "n_features": 8, "small_sample": False,
    "top_features": [{"feature": "AGE_YEARS", "kind": "numeric", "score": 0.91, "drifted": True},
                     {"feature": "CODE_GENDER", "kind": "categorical", "score": 0.3, "drifted": True},
                     {"feature": "AMT_CREDIT", "kind": "numeric", "score": 0.12, "drifted": False}],
    "prediction": {"score": 0.31, "drifted": True, "mean_reference": 0.1, "mean_current": 0.14},
    "performance": {"n_outcomes": 12, "defaults": 1, "auc_current": None, "auc_reference": 0.75,
                    "auc_change": None, "drifted": False},
}
CHALLENGER: dict[str, Any] = {
    "challenger_version": "20261201-v2", "since": "2026-11-05T10:30:00+00:00", "n": 1250,
    "champion_versions": ["20261101-v1"], "agreement_rate": 0.936, "bins": 10, "min_outcomes": 50,
    "champion": {"approval_rate": 0.9, "mean_probability": 0.08, "histogram": [900, 250, 60, 30, 10, 0, 0, 0, 0, 0]},
    "challenger": {"approval_rate": 0.875, "mean_probability": 0.09,
                   "histogram": [880, 260, 70, 30, 10, 0, 0, 0, 0, 0]},
    "outcomes": {"n": 60, "defaults": 6, "auc_champion": 0.7112, "auc_challenger": 0.7347,
                 "cost_champion": 0.5, "cost_challenger": 0.45},
}


def _render(name: str, lang: str, context: dict[str, Any]) -> str:
    return templates.env.get_template(f"partials/{name}.html").render(lang=lang, **context)


def _sections(lang: str, drift: Any = DRIFT, challenger: Any = CHALLENGER) -> dict[str, Any]:
    return _monitoring.sections({"model_version": "20261101-v1", "drift": drift, "challenger": challenger}, lang)


def test_drift_rows_are_the_drifted_features_with_catalogue_labels() -> None:
    view = _sections("fr")["drift"]
    assert [(f.name, f.label, f.score) for f in view.drifted] == [("AGE_YEARS", "Âge", 0.91),
                                                                   ("CODE_GENDER", "Sexe", 0.3)]
    assert view.download_url == "/model/drift/7" and not view.from_folder
    assert _sections("en")["drift"].drifted[1].label == "Sex"


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["Rapport établi le 05/12/2026 10:30 UTC", "notées du 5 nov. 2026 au 5 déc. 2026",
            "1 234 récents contre 4 000 à l'apprentissage", "2 sur 8 variables (25,0 %)",
            "en moyenne 14,0 % aujourd'hui, 10,0 % à l'apprentissage : a changé", "score de dérive 0,31",
            "pas encore assez d'issues connues (12)", "Âge 0,91", "Sexe 0,30", "sous 0,1 la variable est stable",
            "Télécharger le rapport de dérive complet"]),
    ("en", ["Report made 12/5/26, 10:30 AM UTC", "scored from Nov 5, 2026 to Dec 5, 2026",
            "1,234 recent against 4,000 in training", "2 of 8 features (25.0%)",
            "on average 14.0% now, 10.0% in training: changed", "drift score 0.31",
            "not enough outcomes yet (12 known)", "Age 0.91", "Sex 0.30", "below 0.1 the feature is stable",
            "Download the full drift report"]),
])
def test_drift_section_in_each_language(lang: str, words: list[str]) -> None:
    page = _render("_drift", lang, _sections(lang))
    text = text_of(page)
    for word in words:
        assert text_of(word) in text, word
    assert 'href="/model/drift/7"' in page and 'hx-boost="false"' in page
    assert "AMT_CREDIT" not in page  # below the threshold: not in the table of drifted features
    assert "AGE_YEARS" not in text  # the catalogue's words, not the column name


def test_drift_section_states_a_small_sample_a_folder_and_an_auc_drop() -> None:
    drift = copy.deepcopy(DRIFT) | {"small_sample": True, "source": "folder:/srv/data", "window_start": None,
                                    "window_end": None}
    drift["performance"] = {"n_outcomes": 400, "defaults": 40, "auc_current": 0.68, "auc_reference": 0.75,
                            "auc_change": -0.07, "drifted": True}
    text = text_of(_render("_drift", "en", _sections("en", drift=drift)))
    assert "applications from a data folder (not live traffic)" in text and "/srv/data" not in text
    assert "Few applications in this report" in text
    assert "AUC 0.680 on 400 outcomes, against 0.750 when trained: worse" in text


def test_challenger_section_in_each_language() -> None:
    for lang, words in (
            ("fr", ["Challenger 20261201-v2", "Modèle en service 20261101-v1", "depuis le 5 nov. 2026",
                    "Demandes comparées 1 250", "Même décision 93,6 % des demandes",
                    "Taux d'acceptation 90,0 % 87,5 %", "AUC sur les issues connues 0,711 0,735",
                    "Coût des erreurs par décision 0,500 0,450",
                    "les 60 décisions dont l'issue est connue (6 défauts)"]),
            ("en", ["Challenger 20261201-v2", "Served model 20261101-v1", "since Nov 5, 2026",
                    "Requests compared 1,250", "Same decision 93.6% of requests", "Approval rate 90.0% 87.5%",
                    "AUC on known outcomes 0.711 0.735", "Cost of errors per decision 0.500 0.450",
                    "the 60 decisions whose outcome is known (6 defaults)"])):
        context = _sections(lang)
        page = _render("_challenger", lang, context)
        text = text_of(page)
        for word in words:
            assert text_of(word) in text, word
        assert context["challenger"].chart is not None and page.count("data-vega-spec=") == 1


@pytest.mark.parametrize(("outcomes", "expected"), [
    ({"n": 12, "defaults": 1}, "Not enough outcomes yet to compare accuracy and cost: 12 decisions have a known "
                               "outcome, 50 are needed."),
    (None, "no outcome is known for these decisions yet (they are recorded with"),
])
def test_challenger_without_enough_outcomes_shows_no_auc(outcomes: dict[str, Any] | None, expected: str) -> None:
    comparison = CHALLENGER | {"outcomes": outcomes}
    text = text_of(_render("_challenger", "en", _sections("en", challenger=comparison)))
    assert expected in text and "AUC on known outcomes" not in text


def test_a_challenger_that_scored_nothing_yet() -> None:
    comparison = CHALLENGER | {"n": 0, "agreement_rate": None, "champion": None, "challenger": None,
                               "champion_versions": [], "outcomes": None}
    context = _sections("en", challenger=comparison)
    page = _render("_challenger", "en", context)
    assert context["challenger"].chart is None and "data-vega-spec" not in page
    assert "has not scored any request in this period yet" in text_of(page) and "Same decision" not in page


@pytest.mark.parametrize(("lang", "drift_words", "challenger_words"), [
    ("fr", "Pas encore de rapport de dérive pour ce modèle. Un opérateur en produit un avec la commande "
           "credit drift report --since 30d", "Aucun challenger n'est à l'essai. Un opérateur en lance un avec la "
                                              "commande credit model shadow VERSION"),
    ("en", "No drift report yet for this model. An operator makes one with the command credit drift report "
           "--since 30d", "No challenger is being tried. An operator starts one with the command credit model "
                          "shadow VERSION"),
])
def test_empty_states_name_the_command(lang: str, drift_words: str, challenger_words: str) -> None:
    context = _sections(lang, drift=None, challenger=None)
    assert context == {"monitoring_failure": None, "drift": None, "challenger": None}
    drift, challenger = _render("_drift", lang, context), _render("_challenger", lang, context)
    assert drift_words in text_of(drift) and "<code>credit drift report --since 30d</code>" in drift
    assert challenger_words in text_of(challenger) and "<code>credit model shadow VERSION</code>" in challenger


def test_a_failed_monitoring_call_gives_each_section_a_notice() -> None:
    failure = Failure("scoring", None)
    context = _monitoring.sections(failure, "fr")
    assert context == {"monitoring_failure": failure, "drift": None, "challenger": None}
    for name in ("_drift", "_challenger"):
        page = _render(name, "fr", context)
        assert "Le suivi du modèle est momentanément indisponible" in text_of(page)
        assert "Pas encore" not in page and "Aucun challenger" not in page  # unknown is not "none"
