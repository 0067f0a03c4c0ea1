"""The charts' own words in French and English (titles, axes, legends, alt-text fragments)."""

from __future__ import annotations

from typing import Any

LANGS = ("fr", "en")

LABELS: dict[str, dict[str, str]] = {
    # score gauge
    "score.axis": {"fr": "Probabilité de défaut", "en": "Probability of default"},
    "score.zone_granted": {"fr": "accordé", "en": "granted"},
    "score.zone_refused": {"fr": "refusé", "en": "refused"},
    "score.threshold": {"fr": "Seuil {t}", "en": "Threshold {t}"},
    "score.alt": {"fr": "Probabilité de défaut {p} — {side} du seuil {t} : crédit {decision} (marge {m}).",
                  "en": "Probability of default {p} — {side} the {t} threshold: credit {decision} (margin {m})."},
    "score.above": {"fr": "au-dessus", "en": "above"},
    "score.below": {"fr": "en dessous", "en": "below"},
    "col.probability": {"fr": "Probabilité de défaut", "en": "Probability of default"},
    "col.threshold": {"fr": "Seuil", "en": "Threshold"},
    "col.decision": {"fr": "Décision", "en": "Decision"},
    "col.margin": {"fr": "Marge", "en": "Margin"},
    # waterfall
    "waterfall.axis": {"fr": "Probabilité de défaut", "en": "Probability of default"},
    "waterfall.base": {"fr": "Client moyen", "en": "Average client"},
    "waterfall.final": {"fr": "Ce client", "en": "This client"},
    "waterfall.rest": {"fr": "{n} autres variables", "en": "{n} other features"},
    "waterfall.increases": {"fr": "augmente le risque", "en": "increases the risk"},
    "waterfall.decreases": {"fr": "réduit le risque", "en": "reduces the risk"},
    "waterfall.total": {"fr": "probabilité", "en": "probability"},
    "waterfall.effect": {"fr": "Effet", "en": "Effect"},
    "waterfall.alt": {"fr": "Le risque du client moyen est de {base} ; les caractéristiques de ce client le portent "
                             "à {final}.",
                      "en": "The average client's risk is {base}; this client's characteristics bring it to {final}."},
    "waterfall.alt_up": {"fr": " Ce qui l'augmente le plus : {label} ({value}), {delta}.",
                         "en": " What raises it most: {label} ({value}), {delta}."},
    "waterfall.alt_down": {"fr": " Ce qui le réduit le plus : {label} ({value}), {delta}.",
                           "en": " What lowers it most: {label} ({value}), {delta}."},
    "col.feature": {"fr": "Variable", "en": "Feature"},
    "col.value": {"fr": "Valeur", "en": "Value"},
    "col.effect": {"fr": "Effet sur la probabilité", "en": "Effect on the probability"},
    # importance / beeswarm
    "importance.axis": {"fr": "Influence moyenne (|SHAP| moyen, log-odds)",
                        "en": "Mean influence (mean |SHAP|, log-odds)"},
    "importance.alt": {"fr": "Les variables les plus influentes du modèle sont, dans l'ordre : {names}.",
                       "en": "The model's most influential features are, in order: {names}."},
    "col.influence": {"fr": "Influence moyenne", "en": "Mean influence"},
    "beeswarm.title": {"fr": "Effet de chaque variable selon sa valeur", "en": "Each feature's effect by its value"},
    "beeswarm.axis": {"fr": "Effet sur le risque (SHAP, log-odds) — à droite : plus risqué",
                      "en": "Effect on the risk (SHAP, log-odds) — right: riskier"},
    "beeswarm.colour": {"fr": "Valeur (rang)", "en": "Value (rank)"},
    "beeswarm.alt": {"fr": "Chaque point est un client de référence ; pour {label}, {direction}.",
                     "en": "Each dot is a reference client; for {label}, {direction}."},
    "beeswarm.high_risk": {"fr": "les valeurs élevées augmentent le risque",
                           "en": "high values increase the risk"},
    "beeswarm.low_risk": {"fr": "les valeurs faibles augmentent le risque", "en": "low values increase the risk"},
    "beeswarm.mixed": {"fr": "l'effet ne suit pas simplement la valeur",
                       "en": "the effect does not simply follow the value"},
    # population
    "outcome.repaid": {"fr": "a remboursé", "en": "repaid"},
    "outcome.defaulted": {"fr": "a fait défaut", "en": "defaulted"},
    "outcome.legend": {"fr": "Clients passés", "en": "Past clients"},
    "dist.share": {"fr": "Part des clients du groupe", "en": "Share of the group's clients"},
    "dist.client": {"fr": "Client : {value}", "en": "Client: {value}"},
    "dist.alt_numeric": {"fr": "La valeur du client, {value}, se situe au {pct} centile ; {trend}.",
                         "en": "The client's value {value} is at the {pct} percentile; {trend}."},
    "dist.alt_missing": {"fr": "La valeur du client n'est pas renseignée ; {trend}.",
                         "en": "The client's value is missing; {trend}."},
    "dist.alt_nobody": {"fr": "Répartition des clients passés ; {trend}.",
                        "en": "Distribution of past clients; {trend}."},
    "dist.trend_higher": {"fr": "les clients ayant fait défaut ont tendance à avoir des valeurs plus élevées",
                          "en": "defaulted clients tend to have higher values"},
    "dist.trend_lower": {"fr": "les clients ayant fait défaut ont tendance à avoir des valeurs plus faibles",
                         "en": "defaulted clients tend to have lower values"},
    "dist.trend_same": {"fr": "les clients ayant fait défaut ou remboursé ont des valeurs semblables",
                        "en": "defaulted and repaid clients have similar values"},
    "dist.default_rate": {"fr": "Taux de défaut", "en": "Default rate"},
    "dist.average": {"fr": "Moyenne {rate}", "en": "Average {rate}"},
    "dist.alt_categorical": {"fr": "Le client est dans la catégorie « {value} », dont le taux de défaut est de {rate} "
                                   "(moyenne {avg}).",
                             "en": "The client is in the category “{value}”, whose default rate is {rate} "
                                   "(average {avg})."},
    "dist.alt_categorical_none": {"fr": "Taux de défaut par catégorie ; le plus élevé : « {value} » ({rate}).",
                                  "en": "Default rate by category; highest: “{value}” ({rate})."},
    "dist.other": {"fr": "autres", "en": "others"},
    "dist.missing": {"fr": "non renseigné", "en": "missing"},
    "col.category": {"fr": "Catégorie", "en": "Category"},
    "col.clients": {"fr": "Clients", "en": "Clients"},
    "col.default_rate": {"fr": "Taux de défaut", "en": "Default rate"},
    "client.marker": {"fr": "ce client", "en": "this client"},
    # joint
    "joint.colour": {"fr": "Probabilité de défaut", "en": "Probability of default"},
    "joint.alt_scatter": {"fr": "{n} clients de référence ; {a} contre {b}, couleur selon la probabilité de défaut. "
                                "{client}",
                          "en": "{n} reference clients; {a} against {b}, coloured by probability of default. "
                                "{client}"},
    "joint.alt_grouped": {"fr": "{num} par {cat} (médiane et quartiles) ; taux de défaut le plus élevé : « {worst} » "
                                "({rate}). {client}",
                          "en": "{num} by {cat} (median and quartiles); highest default rate: “{worst}” ({rate}). "
                                "{client}"},
    "joint.alt_crosstab": {"fr": "Taux de défaut selon {a} et {b} ; le plus élevé : « {x} » et « {y} » ({rate}). "
                                 "{client}",
                           "en": "Default rate by {a} and {b}; highest: “{x}” and “{y}” ({rate}). {client}"},
    "joint.client": {"fr": "Le client : {a} = {va}, {b} = {vb}.", "en": "The client: {a} = {va}, {b} = {vb}."},
    "joint.median": {"fr": "Médiane", "en": "Median"},
    # model page
    "roc.title": {"fr": "AUC {auc}", "en": "AUC {auc}"},
    "roc.x": {"fr": "Bons clients refusés (taux de faux positifs)", "en": "Good clients refused (false positive rate)"},
    "roc.y": {"fr": "Défauts détectés (taux de vrais positifs)", "en": "Defaults caught (true positive rate)"},
    "roc.alt": {"fr": "Courbe ROC, AUC {auc}. Au seuil {t}, le modèle détecte {tpr} des défauts et refuse {fpr} des "
                      "bons clients.",
                "en": "ROC curve, AUC {auc}. At the {t} threshold the model catches {tpr} of defaults and refuses "
                      "{fpr} of good clients."},
    "pr.title": {"fr": "PR-AUC {auc}", "en": "PR-AUC {auc}"},
    "pr.x": {"fr": "Rappel (défauts détectés)", "en": "Recall (defaults caught)"},
    "pr.y": {"fr": "Précision (refus justifiés)", "en": "Precision (refusals that were defaults)"},
    "pr.baseline": {"fr": "Hasard {rate}", "en": "Chance {rate}"},
    "pr.alt": {"fr": "Courbe précision-rappel, PR-AUC {auc} (hasard : {prev}). Au seuil {t} : rappel {r}, "
                     "précision {p}.",
               "en": "Precision-recall curve, PR-AUC {auc} (chance: {prev}). At the {t} threshold: recall {r}, "
                     "precision {p}."},
    "threshold.marker": {"fr": "seuil {t}", "en": "threshold {t}"},
    "cost.x": {"fr": "Seuil de décision", "en": "Decision threshold"},
    "cost.y": {"fr": "Coût moyen par client", "en": "Average cost per client"},
    "cost.alt": {"fr": "Le coût par client est le plus bas autour du seuil choisi {t} ({c} par client, "
                       "un défaut manqué coûtant {fn} fois un bon client refusé).",
                 "en": "The cost per client is lowest around the chosen {t} threshold ({c} per client, a missed "
                       "default costing {fn} times a refused good client)."},
    "calibration.x": {"fr": "Probabilité prédite (moyenne du groupe)", "en": "Predicted probability (group mean)"},
    "calibration.y": {"fr": "Taux de défaut observé", "en": "Observed default rate"},
    "calibration.alt": {"fr": "Calibration par déciles de risque : écart moyen {ece} entre probabilité prédite et taux "
                              "observé (la diagonale est la calibration parfaite).",
                        "en": "Calibration by risk decile: mean gap {ece} between predicted probability and observed "
                              "rate (the diagonal is perfect calibration)."},
    "col.decile": {"fr": "Décile", "en": "Decile"},
    "col.predicted": {"fr": "Prédit", "en": "Predicted"},
    "col.observed": {"fr": "Observé", "en": "Observed"},
    "confusion.actual": {"fr": "Issue réelle", "en": "Actual outcome"},
    "confusion.decided": {"fr": "Décision du modèle", "en": "Model decision"},
    "confusion.alt": {"fr": "Sur {n} clients évalués au seuil {t} : {tp} défauts refusés, {fn} défauts accordés "
                            "(manqués), {fp} bons clients refusés, {tn} bons clients accordés.",
                      "en": "Of {n} clients evaluated at the {t} threshold: {tp} defaults refused, {fn} defaults "
                            "granted (missed), {fp} good clients refused, {tn} good clients granted."},
    "decision.granted": {"fr": "accordé", "en": "granted"},
    "decision.refused": {"fr": "refusé", "en": "refused"},
}


def label(key: str, lang: str, **values: Any) -> str:
    """The text for `key` in `lang` (French unless "en"), with `{placeholders}` filled from `values`."""
    text = LABELS[key]["en" if lang == "en" else "fr"]
    return text.format(**values) if values else text
