"""Hypothesis strategies for the APIs' bad-input fuzz run: requests crafted the way an attacker or a careless
caller writes them (not derived from the OpenAPI schema, unlike tests/scoring/test_openapi_fuzz.py).

Bodies are JSON *text* built here, so that what a strict encoder would never produce reaches the server as
written: NaN, ±Infinity, 1e309, 401-digit integers, NUL characters, duplicate keys, wrong types at any depth."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import httpx
import orjson
from hypothesis import strategies as st

from credit_core import features, homecredit

NUMBER_LITERALS = ["NaN", "-NaN", "Infinity", "-Infinity", "1e309", "-1e309", "1e-400", "1e300", "-1e12", "1e12", "0",
                   "-0", "0.0", "1E5", str(2**63), str(2**63 - 1), str(-(2**63)), "365243", "-100001"]
ODD_ID_TEXTS = ["²", "١٢٣", "1e5", "0x1F", "NaN", "Infinity", "-0", "", "true", "null", "\x00", "1\x002", " 1 ",
                "1_000", "0", "-1", str(2**63), str(2**64)]
ODD_ID_LITERALS = [str(2**63), str(2**64), "-1", "0", "1e300", "1e309", "Infinity", "-Infinity", "NaN", "true",
                   "false", '"1"', "1.5", "[]", "{}"]
# Integers of many digits (no double holds them; Python will not even parse more than 4,300 of them), built by
# length so that hypothesis never has to print them.
long_digits = st.sampled_from([19, 20, 309, 401, 4300, 4301, 5000]).flatmap(
    lambda n: st.sampled_from(["", "-"]).map(lambda sign: sign + "9" * n))
ROUTE_NAMES = ["credit-default", "sec-1", "", "x:y", "\x00", "a" * 300]
_TEXT = st.characters(blacklist_categories=("Cs",))  # any character a URL or JSON can carry (no lone surrogates)
_NUM = [c.name for c in homecredit.APPLICATION.columns if c.kind is homecredit.NUM]
_CAT = [c.name for c in homecredit.APPLICATION.columns if c.kind is homecredit.CAT]
_HISTORY = {t.name: t for t in homecredit.TABLES if t is not homecredit.APPLICATION}


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    params: dict[str, str] | None = None
    body: bytes | None = None
    chunked: bool = False
    auth: str = "key"  # "key" | "none" | "wrong"

    def send(self, client: httpx.Client, api_key: str) -> httpx.Response:
        headers: dict[str, str] = {}
        if self.auth == "key":
            headers["Authorization"] = f"Bearer {api_key}"
        elif self.auth == "wrong":
            headers["Authorization"] = "Bearer pad_wrong-key"
        content: bytes | Iterator[bytes] | None = self.body
        if self.body is not None:
            headers["content-type"] = "application/json"
            if self.chunked:
                content = _pieces(self.body)
        return client.request(self.method, self.path, params=self.params, content=content, headers=headers)


def _pieces(body: bytes, size: int = 8192) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start:start + size]


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _object(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{_json(k)}: {v}" for k, v in pairs) + "}"


def _array(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _repeated(piece: str, count: int) -> str:
    return "[" + ", ".join([piece] * count) + "]"


huge_strings = st.builds(lambda char, n: char * n, st.sampled_from(["x", "\x00", "é", "\U0001f600", "9", "<"]),
                         st.integers(0, 300_000))
plain_strings = st.text(_TEXT, max_size=40)
json_strings = st.one_of(plain_strings, huge_strings, st.sampled_from(["F", "M", "XNA", "Cash loans", "Y", "N"])
                         ).map(_json)
json_numbers = st.one_of(st.sampled_from(NUMBER_LITERALS), long_digits, st.integers(-10**20, 10**20).map(str),
                         st.floats(allow_nan=False, allow_infinity=False).map(repr))
json_scalars = st.one_of(json_numbers, json_strings, st.sampled_from(["true", "false", "null"]))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4).map(_array),
                            st.lists(st.tuples(plain_strings, inner), max_size=4).map(_object)),
    max_leaves=8,
)


def id_texts(known: list[int]) -> st.SearchStrategy[str]:
    """Client ids as written in a path or query: valid ones, near misses, and junk."""
    # Crafted values first: hypothesis draws the first branches of one_of most often.
    return st.one_of(
        st.sampled_from(ODD_ID_TEXTS),
        long_digits.filter(lambda d: not d.startswith("-")),
        st.sampled_from(known).flatmap(lambda i: st.sampled_from([f"+{i}", f"{i}.0", f" {i}", f"0{i}", f"{i} "])),
        st.sampled_from([str(i) for i in known]),
        st.integers(-(2**70), 2**70).map(str),
        st.text(_TEXT, max_size=30),
    )


def id_literals(known: list[int]) -> st.SearchStrategy[str]:
    """Client ids as written in a JSON body."""
    return st.one_of(st.sampled_from(ODD_ID_LITERALS), long_digits,
                     st.sampled_from(known).flatmap(lambda i: st.sampled_from([f"{i}.0", _json(str(i)), f"{i}e0"])),
                     st.sampled_from([str(i) for i in known]),
                     json_scalars)


def _row(columns: list[str], numeric: list[str], categorical: list[str]) -> st.SearchStrategy[str]:
    plausible = st.floats(-1e6, 1e6, allow_nan=False).map(repr)
    field = st.one_of(
        st.tuples(st.sampled_from(numeric), st.one_of(json_numbers, plausible)) if numeric else st.nothing(),
        st.tuples(st.sampled_from(categorical), json_strings) if categorical else st.nothing(),
        st.tuples(st.sampled_from(columns), json_values),
        st.tuples(plain_strings, json_values),
    )
    return st.lists(field, max_size=10).map(_object)


applications = _row([c.name for c in homecredit.APPLICATION.columns], _NUM, _CAT)


def _history_table(name: str) -> st.SearchStrategy[tuple[str, str]]:
    table = _HISTORY[name]
    numeric = [c.name for c in table.columns if c.kind is homecredit.NUM]
    categorical = [c.name for c in table.columns if c.kind is homecredit.CAT]
    row = _row(table.column_names, numeric, categorical)
    # Many rows (over the caps) are copies of one small, plausible row: a bounded body.
    small_row = st.lists(st.tuples(st.sampled_from(numeric), st.floats(-1e6, 1e6, allow_nan=False).map(repr)),
                         min_size=1, max_size=3).map(_object)
    rows = st.one_of(st.lists(row, max_size=3).map(_array),
                     st.tuples(small_row, st.integers(1_900, 6_000)).map(lambda r: _repeated(r[0], r[1])),
                     json_values)
    return st.tuples(st.just(name), rows)


histories = st.one_of(st.lists(st.one_of(*[_history_table(n) for n in _HISTORY]), max_size=4).map(_object),
                      json_values)
small_ints = st.one_of(st.integers(-5, 600).map(str), st.sampled_from(["", "1e3", "abc", "9" * 30, "1.5", "²"]))
auths = st.sampled_from(["key"] * 8 + ["none", "wrong"])


def _with_body(method: str, path: str, body: st.SearchStrategy[str]) -> st.SearchStrategy[Call]:
    return st.builds(lambda b, chunked, auth: Call(method, path, body=b.encode(), chunked=chunked, auth=auth),
                     body, st.booleans(), auths)


NO_PARAMS: st.SearchStrategy[dict[str, str] | None] = st.none()


def _get(path: st.SearchStrategy[str], params: st.SearchStrategy[dict[str, str] | None] = NO_PARAMS
         ) -> st.SearchStrategy[Call]:
    return st.builds(lambda p, q, auth: Call("GET", p, params=q, auth=auth), path, params, auths)


def _in_path(template: str, ids: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return ids.map(lambda text: template.format(quote(text, safe="")))


def scoring_calls(known: list[int]) -> st.SearchStrategy[Call]:
    ids, literals = id_texts(known), id_literals(known)
    advisor = st.lists(st.one_of(
        st.tuples(st.just("choice"), st.one_of(st.sampled_from(['"follow"', '"override"']), json_values)),
        st.tuples(st.just("reason"), st.one_of(json_strings, json_values)),
        st.tuples(st.just("username"), st.one_of(st.just('"sec-fuzz"'), json_strings)),
        st.tuples(plain_strings, json_values)), max_size=4).map(_object)
    batch = st.one_of(
        literals.map(lambda x: _object([("client_ids", _array([x]))])),
        st.lists(literals, max_size=20).map(lambda xs: _object([("client_ids", _array(xs))])),
        st.lists(applications, max_size=3).map(lambda xs: _object([("applications", _array(xs))])),
        st.lists(st.tuples(st.sampled_from(["client_ids", "applications", "x"]), json_values), max_size=3).map(
            _object),
        json_values)
    with_history = st.tuples(applications, histories).map(lambda a: a[0][:-1] + (", " if a[0] != "{}" else "")
                                                          + f'"history": {a[1]}}}')
    kserve = st.lists(st.one_of(literals, applications), max_size=5).map(
        lambda xs: _object([("instances", _array(xs))])) | json_values
    return st.one_of(
        _get(_in_path("/v1/clients/{}/score", ids)),
        _get(_in_path("/v1/clients/{}/decisions", ids), st.one_of(st.none(), small_ints.map(lambda v: {"limit": v}))),
        ids.flatmap(lambda i: _with_body("POST", f"/v1/clients/{quote(i, safe='')}/advisor-decisions", advisor)),
        _with_body("POST", "/v1/score", st.one_of(applications, with_history, json_values)),
        _with_body("POST", "/v1/score", applications),
        _with_body("POST", "/v1/score/batch", batch),
        st.sampled_from(ROUTE_NAMES).flatmap(
            lambda n: _with_body("POST", f"/v1/models/{quote(n, safe=':')}:predict", kserve)),
        _get(st.sampled_from(ROUTE_NAMES).map(lambda n: f"/v1/models/{quote(n, safe=':')}")),
        _get(st.sampled_from(["/v1/model", "/v1/model/report", "/healthz", "/readyz", "/v1/", "/v1/clients"])),
        _get(st.text(_TEXT, max_size=40).map(lambda t: "/" + quote(t, safe="/:"))),
    )


def explain_calls(known: list[int]) -> st.SearchStrategy[Call]:
    ids, literals = id_texts(known), id_literals(known)
    names = st.one_of(st.sampled_from(list(features.FEATURE_NAMES)), st.text(_TEXT, max_size=30))
    explain_body = st.one_of(
        literals.map(lambda x: _object([("client_id", x)])),
        applications.map(lambda x: _object([("application", x)])),
        st.tuples(literals, applications, small_ints).map(
            lambda x: _object([("client_id", x[0]), ("changes", x[1]), ("top", x[2])])),
        st.tuples(applications, st.one_of(st.just("null"), histories)).map(
            lambda x: _object([("application", x[0]), ("history", x[1])])),
        st.lists(st.tuples(st.sampled_from(["client_id", "changes", "application", "history", "top", "x"]),
                           json_values), max_size=4).map(_object),
        json_values)
    optional_client = st.one_of(st.none(), ids.map(lambda i: {"client_id": i}))
    return st.one_of(
        _get(_in_path("/v1/clients/{}/explanation", ids), st.one_of(st.none(), small_ints.map(lambda v: {"top": v}))),
        _get(_in_path("/v1/clients/{}/similar", ids), st.one_of(st.none(), small_ints.map(lambda v: {"k": v}))),
        _get(_in_path("/v1/clients/{}/counterfactual", ids)),
        _get(_in_path("/v1/clients/{}/profile", ids)),
        _get(st.just("/v1/clients"), st.fixed_dictionaries({"prefix": ids}, optional={"limit": small_ints})),
        _get(names.map(lambda n: f"/v1/features/{quote(n, safe='')}/distribution"), optional_client),
        _get(st.tuples(names, names).map(lambda ab: f"/v1/features/{quote(ab[0], safe='')}/"
                                                    f"{quote(ab[1], safe='')}/joint"), optional_client),
        _get(st.just("/v1/importance"), st.fixed_dictionaries({}, optional={"top": small_ints,
                                                                            "beeswarm_features": small_ints})),
        _get(st.just("/v1/features")),
        _with_body("POST", "/v1/explain", explain_body),
        _get(st.text(_TEXT, max_size=40).map(lambda t: "/" + quote(t, safe="/:"))),
    )
