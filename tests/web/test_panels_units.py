"""Pure pieces of the panels: the model card's Markdown converter, the what-if form parsing, the panel strings."""

from __future__ import annotations

import re

import pytest

from credit_web.routes import _markdown, _whatif


def test_markdown_renders_the_card_constructs() -> None:
    out = str(_markdown.to_html(
        "# Model card — v1\n\nEstimates **the** probability, *refused* at `0.091`.\nSecond line.\n\n"
        "## Performance\n\n| metric | value |\n|---|---|\n| auc | 0.75 |\n\n- one\n- two\n\n1. first\n"
    ))
    assert "<h2>Model card — v1</h2>" in out and "<h3>Performance</h3>" in out
    assert "<p>Estimates <strong>the</strong> probability, <em>refused</em> at <code>0.091</code>. Second line.</p>" \
        in out
    assert '<th scope="col">metric</th>' in out and "<td>0.75</td>" in out
    assert "<ul><li>one</li><li>two</li></ul>" in out and "<ol><li>first</li></ol>" in out


def test_markdown_tables_get_distinct_region_names() -> None:
    """Two tables with the same columns (fairness by sex, by age) must not share a landmark name (axe
    landmark-unique): each is named by its section heading, then numbered if that still repeats."""
    table = "| group | auc |\n|---|---|\n| a | 0.7 |\n"
    out = str(_markdown.to_html(f"## By *sex*\n\n{table}\n## By age\n\n{table}\n{table}"))
    names = re.findall(r'role="region" aria-label="([^"]*)"', out)
    assert names == ["By sex — group, auc", "By age — group, auc", "By age — group, auc (2)"]


@pytest.mark.parametrize("source", [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "| <b onmouseover=x> | y |\n|---|---|\n| 1 | 2 |",
    "`<script>`",
])
def test_markdown_never_lets_markup_or_script_links_through(source: str) -> None:
    out = str(_markdown.to_html(source))
    assert "<script" not in out and "<img" not in out and "<b " not in out
    assert 'href="javascript' not in out


def test_markdown_table_with_an_empty_corner_has_no_empty_header() -> None:
    out = str(_markdown.to_html("| | granted | refused |\n|---|---|---|\n| repaid | 10 | 2 |"))
    assert "<th scope=\"col\"></th>" not in out and "<td></td><th scope=\"col\">granted</th>" in out


def test_markdown_keeps_code_spans_literal_and_snake_case_words() -> None:
    out = str(_markdown.to_html("Column `AMT_*_CREDIT*` and name_with_underscores stay as they are."))
    assert "<code>AMT_*_CREDIT*</code>" in out and "name_with_underscores" in out and "<em>" not in out


def test_markdown_links_only_for_http() -> None:
    out = str(_markdown.to_html("See [the docs](https://example.org/a?b=1&c=2)."))
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="noopener noreferrer">the docs</a>' in out


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
