"""The model card (`model_card.md` and `model_card.html`) generated from a bundle's metadata and report.

Both renderings come from one list of sections (headings, paragraphs, tables, charts); the HTML one adds
inline SVG charts of the cost curve and the calibration, the Markdown one shows their tables.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

Table = tuple[list[str], list[list[str]]]  # header, rows


@dataclass
class Chart:
    title: str
    points: list[tuple[float, float]]
    x_label: str
    y_label: str
    marker_x: float | None = None  # vertical line (the chosen threshold)
    diagonal: bool = False  # y = x reference (calibration)


@dataclass
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[tuple[str, Table]] = field(default_factory=list)  # (caption, table); caption may be ""
    charts: list[Chart] = field(default_factory=list)  # HTML only, drawn between paragraphs and tables


def sections(metadata: dict[str, Any], report: dict[str, Any]) -> list[Section]:
    training = metadata["training"]
    costs = metadata["costs"]
    threshold = report["threshold"]
    evaluation = report["evaluation"]
    n_features = len(metadata["features"])
    n_cat = sum(1 for f in metadata["features"] if f["kind"] == "categorical")
    groups: dict[str, int] = {}
    for f in metadata["features"]:
        groups[f.get("group", "?")] = groups.get(f.get("group", "?"), 0) + 1
    uses_gender = any(f["name"] == "CODE_GENDER" for f in metadata["features"])
    out = [
        Section("Intended use", [
            "Estimates the probability that an applicant for a consumer loan defaults (TARGET = 1: payment "
            "difficulties), to support — not replace — the advisor's decision. The probability is compared with "
            f"a cost-based threshold of **{threshold:.3f}**: at or above it the recommendation is *refused*.",
            "Out of scope: other credit products or populations than the training data, fully automated "
            "refusals without human review, pricing.",
        ]),
        Section("Data", [
            f"Source: `{training['source']}`. {training['n_train']:,} labelled clients, observed default rate "
            f"{training['default_rate']:.2%}. Feature set `{metadata['feature_set_version']}`: {n_features} "
            f"features ({n_cat} categorical) from "
            + ", ".join(f"{g} ({n})" for g, n in groups.items()) + ".",
            f"Training-data fingerprint `{training['fingerprint'][:16]}…`.",
            f"Evaluation: {_evaluation_text(evaluation, training)}. Every metric below is on clients the "
            "model did not see during fitting (early stopping used a separate subset).",
        ]),
        Section("Performance", tables=[("", (["metric", "value"], _metric_rows(report)))]),
        Section("Decision threshold and business cost", [
            f"A missed default (false negative) is assumed to cost {costs['false_negative']:g} and a refused good "
            f"client (false positive) {costs['false_positive']:g}. The threshold minimising the total cost on the "
            f"held-out predictions is **{threshold:.3f}** (Bayes-optimal value for calibrated probabilities: "
            f"{report['bayes_threshold']:.3f}).",
        ], tables=[
            ("Cost of the model against the trivial policies:",
             (["policy", "total cost", "cost per client"], _policy_rows(report))),
            ("Confusion matrix at the threshold:",
             (["", "predicted repaid (granted)", "predicted default (refused)"], _confusion_rows(report["confusion"]))),
            ("Cost curve:", (["threshold", "cost per client", "refusal rate"], _cost_rows(report["cost_curve"]))),
        ], charts=[Chart(
            "Cost per client by threshold",
            [(c["threshold"], c["cost_per_client"]) for c in report["cost_curve"]],
            "threshold", "cost per client", marker_x=threshold,
        )]),
        _calibration_section(report),
        *_tuning_sections(report),
        _fairness_section(report.get("fairness", {}), threshold, uses_gender),
        Section("Limitations", [
            "Trained only on past applications that were granted: clients refused in the past have no outcome "
            "(no reject inference), so the model is least reliable for profiles that were usually refused.",
            "The threshold depends on the assumed cost ratio; if the real loss given default changes, retrain or "
            "re-pick the threshold from the cost curve in report.json.",
            "Historical data carries historical practice and bias; the fairness tables must be reviewed before "
            "each activation, and individual explanations (SHAP) accompany every score.",
            "Performance degrades as the applicant population drifts; compare live score distributions with "
            "population.json and retrain periodically.",
        ] + (["Synthetic data: figures describe the generator, not real clients."]
             if "oracle_auc" in report else [])),
        Section("Training details", [
            f"CatBoost {metadata['libraries'].get('catboost')} — "
            + ", ".join(f"{k}={v}" for k, v in training["params"].items()) + ".",
            f"{training['iterations']} trees; {report['train_seconds']:.1f} s of training on "
            f"{training['params'].get('thread_count')} threads. Created {metadata['created_at']}.",
            "Libraries: " + ", ".join(f"{k} {v}" for k, v in metadata["libraries"].items()) + ".",
        ]),
    ]
    return out


def _calibration_section(report: dict[str, Any]) -> Section:
    cal = report["calibration"]
    rows = cal["reliability"]
    if cal["method"] == "platt":
        text = (f"Platt scaling (P = sigmoid({cal['a']:.3f} × raw + {cal['b']:.3f})), fitted on the held-out "
                "predictions, is folded into the trees: the served model's output is the calibrated probability "
                "(SHAP values stay exact and additive). On predictions it was not fitted on (5-fold cross-fitting) "
                f"it brings the Brier score from {cal['brier_raw']:.4f} to {cal['brier']:.4f} and the expected "
                f"calibration error from {cal['ece_raw']:.4f} to {cal['ece']:.4f}; the threshold is chosen on the "
                "calibrated probabilities.")
    else:
        text = (f"No rescaling: Platt scaling did not lower the Brier score ({cal['brier_raw']:.4f}) of held-out "
                f"predictions it was not fitted on. Expected calibration error {cal['ece']:.4f}.")
    return Section("Calibration", [text, "The decile table compares the mean predicted probability with the "
                                         "observed default rate."],
                   tables=[("", (["decile", "clients", "mean predicted", "observed"], [
                       [str(r["bin"]), f"{r['n']:,}", f"{r['predicted']:.3f}", f"{r['observed']:.3f}"]
                       for r in rows]))],
                   charts=[Chart("Observed default rate vs mean predicted probability (deciles)",
                                 [(r["predicted"], r["observed"]) for r in rows],
                                 "mean predicted", "observed", diagonal=True)])


def _tuning_sections(report: dict[str, Any]) -> list[Section]:
    out = []
    tuning = report.get("tuning")
    if tuning is not None:
        best = tuning["best_params"] or {}
        best_auc = f"{tuning['best_auc']:.4f}" if tuning["best_auc"] is not None else "n/a"
        out.append(Section("Hyper-parameters", [
            f"Optuna searched {tuning['trials']} configurations ({tuning['pruned']} more pruned) in "
            f"{tuning['seconds']:.0f} s (budget {tuning['budget_minutes']:g} min) on {tuning['inner_folds']} inner "
            f"folds of {tuning['rows']:,} training clients. Best trial: inner AUC {best_auc} ("
            + ", ".join(f"{k}={v}" for k, v in best.items()) + ").",
            f"Shipped: **{tuning['chosen']}** ({tuning['reason']}). On the evaluation rows: AUC "
            f"{report['auc']:.4f} against {report['baseline_auc']:.4f} for CatBoost's defaults (1,000 trees, "
            "depth 6, its own learning rate and categorical combinations). Picking the better of the two on "
            "these rows makes the reported AUC optimistic by a hair.",
        ]))
    effects = report.get("feature_effects") or []
    if effects:
        out.append(Section("Engineered features", [
            "Ratios and combinations of the application (share of the model's importance, rank among all "
            "features, and their AUC on their own):",
        ], tables=[("", (["feature", "share of importance", "rank", "AUC alone"], [
            [f"`{e['feature']}`", f"{e['importance']:.1f}%", str(e["rank"]),
             f"{e['univariate_auc']:.3f}" if e["univariate_auc"] is not None else "n/a"] for e in effects]))]))
    return out


def render_markdown(metadata: dict[str, Any], report: dict[str, Any]) -> str:
    lines = [f"# Model card — credit default risk, version {metadata['version']}", ""]
    for section in sections(metadata, report):
        lines += [f"## {section.heading}", ""]
        for p in section.paragraphs:
            lines += [p, ""]
        for caption, (header, rows) in section.tables:
            if caption:
                lines += [caption, ""]
            lines.append("| " + " | ".join(header) + " |")
            lines.append("|" + "---|" * len(header))
            lines += ["| " + " | ".join(row) + " |" for row in rows]
            lines.append("")
    return "\n".join(lines)


def render_html(metadata: dict[str, Any], report: dict[str, Any]) -> str:
    title = f"Model card — credit default risk, version {metadata['version']}"
    body = [f"<h1>{html.escape(title)}</h1>"]
    for section in sections(metadata, report):
        body.append(f"<h2>{html.escape(section.heading)}</h2>")
        body += [f"<p>{_inline(p)}</p>" for p in section.paragraphs]
        body += [_svg(chart) for chart in section.charts]
        for caption, (header, rows) in section.tables:
            if caption:
                body.append(f"<p>{_inline(caption)}</p>")
            head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
            trs = "".join("<tr>" + "".join(f"<td>{_inline(c)}</td>" for c in row) + "</tr>" for row in rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>")
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body) + "</body></html>\n"
    )


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;margin:.8rem 0}td,th{border:1px solid #ccc;padding:.25rem .6rem;"
    "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
    "svg{display:block;margin:.8rem 0}code{background:#f3f3f3;padding:0 .2rem}"
)


def _evaluation_text(evaluation: str, training: dict[str, Any]) -> str:
    if evaluation.startswith("oof"):
        return (f"{training['cv']}-fold stratified cross-validation (out-of-fold predictions); the deployed model "
                "is refitted on all clients with the mean best iteration count")
    return (f"a stratified hold-out split of {training['holdout_fraction']:.0%} kept out of fitting; the deployed "
            "model is exactly the evaluated one")


def _metric_rows(report: dict[str, Any]) -> list[list[str]]:
    rows = [
        ["ROC AUC", f"{report['auc']:.4f}"],
        ["PR AUC (average precision)", f"{report['pr_auc']:.4f}"],
        ["Brier score", f"{report['brier']:.4f}"],
        ["Log loss", f"{report['log_loss']:.4f}"],
        ["KS statistic", f"{report['ks']:.4f}"],
    ]
    if report.get("oracle_auc") is not None:
        rows.append(["Oracle AUC (true default probability)", f"{report['oracle_auc']:.4f}"])
        rows.append(["AUC / oracle AUC", f"{report['auc'] / report['oracle_auc']:.3f}"])
    if report.get("cv"):
        rows.append(["AUC per fold", ", ".join(f"{a:.4f}" for a in report["cv"]["fold_auc"])])
    return rows


def _policy_rows(report: dict[str, Any]) -> list[list[str]]:
    n = max(report["n_evaluated"], 1)
    policies = [
        (f"model, threshold {report['threshold']:.3f}", report["business_cost"]),
        ("model, threshold 0.5", report["business_cost_at_0_5"]),
        ("grant everyone", report["baselines"]["grant_everyone"]),
        ("refuse everyone", report["baselines"]["refuse_everyone"]),
    ]
    return [[name, f"{cost:,.0f}", f"{cost / n:.4f}"] for name, cost in policies]


def _confusion_rows(c: dict[str, int]) -> list[list[str]]:
    return [["repaid", f"{c['tn']:,}", f"{c['fp']:,}"], ["defaulted", f"{c['fn']:,}", f"{c['tp']:,}"]]


def _cost_rows(curve: list[dict[str, Any]]) -> list[list[str]]:
    # Every 0.02 up to 0.2 (where cost-based thresholds fall), then every 0.1.
    shown = [c for c in curve if ((k := round(c["threshold"] * 200)) % 4 == 0 and k <= 40) or k % 20 == 0]
    return [[f"{c['threshold']:.2f}", f"{c['cost_per_client']:.4f}", f"{c['refusal_rate']:.1%}"] for c in shown]


def _fairness_section(fairness: dict[str, Any], threshold: float, uses_gender: bool) -> Section:
    section = Section("Fairness", [
        f"Approval rate (probability below {threshold:.3f}), observed default rate, AUC and error rates by group, "
        "on held-out predictions. *False refusals* are good payers refused; *missed defaults* are defaulters "
        "granted.",
        ("CODE_GENDER is one of the model's features: check with compliance that using it is lawful for this "
         "product, or remove it from the catalogue." if uses_gender else
         "The model does not use CODE_GENDER as a feature."),
    ])
    header = ["group", "clients", "default rate", "approval rate", "AUC", "false refusals", "missed defaults"]
    for name, rows in fairness.items():
        caption = f"By {'sex (CODE_GENDER)' if name == 'CODE_GENDER' else 'age band'}:"
        section.tables.append((caption, (header, [[
            str(r["group"]), f"{r['n']:,}", f"{r['default_rate']:.2%}", f"{r['approval_rate']:.1%}",
            _fmt(r["auc"], ".3f"), _fmt(r["false_refusal_rate"], ".1%"), _fmt(r["missed_default_rate"], ".1%"),
        ] for r in rows])))
    return section


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def _inline(text: str) -> str:
    """Escape, then render the two Markdown marks the card uses (**bold**, `code`, *italic*)."""
    out = html.escape(text)
    for mark, tag in (("**", "strong"), ("`", "code"), ("*", "em")):
        parts = out.split(mark)
        if len(parts) % 2 == 1:
            out = "".join(f"<{tag}>{p}</{tag}>" if i % 2 else p for i, p in enumerate(parts))
    return out


def _svg(chart: Chart, width: int = 560, height: int = 300) -> str:
    left, right, top, bottom = 60, 15, 30, 40
    xs = [p[0] for p in chart.points]
    ys = [p[1] for p in chart.points]
    if not xs:
        return ""
    x0, x1 = min(xs), max(xs)
    y0, y1 = min(0.0, min(ys)), max(ys)
    if chart.diagonal:
        x0 = y0 = min(x0, y0, 0.0)
        x1 = y1 = max(x1, y1)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)

    def sx(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def sy(y: float) -> float:
        return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom)

    path = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(chart.points))
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
        f"aria-label='{html.escape(chart.title)}'>",
        f"<text x='{left}' y='18' font-size='13' font-weight='bold'>{html.escape(chart.title)}</text>",
        f"<line x1='{left}' y1='{sy(y0):.1f}' x2='{width - right}' y2='{sy(y0):.1f}' stroke='#888'/>",
        f"<line x1='{left}' y1='{sy(y0):.1f}' x2='{left}' y2='{top}' stroke='#888'/>",
    ]
    for frac in (0.0, 0.5, 1.0):
        xv, yv = x0 + frac * (x1 - x0), y0 + frac * (y1 - y0)
        parts.append(f"<text x='{sx(xv):.1f}' y='{height - bottom + 15}' font-size='11' "
                     f"text-anchor='middle'>{xv:.3g}</text>")
        parts.append(f"<text x='{left - 5}' y='{sy(yv) + 4:.1f}' font-size='11' text-anchor='end'>{yv:.3g}</text>")
    parts.append(f"<text x='{(left + width - right) / 2}' y='{height - 5}' font-size='11' "
                 f"text-anchor='middle'>{html.escape(chart.x_label)}</text>")
    parts.append(f"<text x='12' y='{(top + height - bottom) / 2}' font-size='11' text-anchor='middle' "
                 f"transform='rotate(-90 12 {(top + height - bottom) / 2})'>{html.escape(chart.y_label)}</text>")
    if chart.diagonal:
        parts.append(f"<line x1='{sx(x0):.1f}' y1='{sy(y0):.1f}' x2='{sx(x1):.1f}' y2='{sy(y1):.1f}' "
                     "stroke='#bbb' stroke-dasharray='4 3'/>")
    if chart.marker_x is not None and x0 <= chart.marker_x <= x1:
        mx = sx(chart.marker_x)
        parts.append(f"<line x1='{mx:.1f}' y1='{top}' x2='{mx:.1f}' y2='{sy(y0):.1f}' stroke='#c0392b' "
                     "stroke-dasharray='4 3'/>")
        parts.append(f"<text x='{mx + 4:.1f}' y='{top + 12}' font-size='11' fill='#c0392b'>"
                     f"threshold {chart.marker_x:.3f}</text>")
    parts.append(f"<path d='{path}' fill='none' stroke='#2c6fbb' stroke-width='2'/>")
    if chart.diagonal:
        parts += [f"<circle cx='{sx(x):.1f}' cy='{sy(y):.1f}' r='3' fill='#2c6fbb'/>" for x, y in chart.points]
    parts.append("</svg>")
    return "".join(parts)
