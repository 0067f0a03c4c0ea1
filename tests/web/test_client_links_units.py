"""The client link's token and the redaction of tokens in uvicorn's access log (no database, no services)."""

from __future__ import annotations

import logging
import time

from credit_web import client_links
from credit_web.client_file import _cell


def test_a_token_reads_back_its_claims_and_only_with_the_same_secret() -> None:
    signer = client_links.LinkSigner("the secret")
    token, claims = signer.issue(100002, 1_800_000_000.5)
    assert claims.client_id == 100002 and claims.issued_at == 1_800_000_000 and len(claims.nonce) >= 20
    assert signer.read(token) == claims
    assert client_links.LinkSigner("another secret").read(token) is None
    assert signer.read(token[:-1]) is None and signer.read(token + "A") is None
    assert signer.read("") is None and signer.read("é" * 10) is None and signer.read("a" * 5000) is None
    # Two links for the same client at the same second are different links.
    assert signer.issue(100002, 1.0)[1].nonce != signer.issue(100002, 1.0)[1].nonce


def test_a_session_cookie_signed_with_the_same_secret_is_not_a_link() -> None:
    from itsdangerous import URLSafeSerializer

    other_use = URLSafeSerializer("the secret").dumps({"c": 100002, "t": int(time.time()), "n": "x" * 22})
    assert client_links.LinkSigner("the secret").read(str(other_use)) is None


def test_payloads_of_another_shape_are_refused() -> None:
    serializer = client_links.LinkSigner("s")._serializer
    for payload in ({"c": 0, "t": 1, "n": "x" * 22}, {"c": True, "t": 1, "n": "x" * 22},
                    {"c": "100002", "t": 1, "n": "x" * 22}, {"c": 100002, "t": 1.5, "n": "x" * 22},
                    {"c": 100002, "t": 1, "n": "short"}, {"c": 100002, "t": 1, "n": "x" * 22, "extra": 1},
                    [100002, 1, "x" * 22]):
        assert client_links.LinkSigner("s").read(str(serializer.dumps(payload))) is None, payload


def test_uvicorns_access_log_gets_the_route_template_instead_of_the_token() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/c/eyJjIjoxMDAwMDJ9.sig/data.csv?lang=fr", "1.1", 200),
                               None)
    assert client_links.RedactTokensFilter().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /c/{token}/data.csv?lang=fr HTTP/1.1" 200'
    other = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s %s %s", ("a", "GET", "/?client=1"),
                              None)
    client_links.RedactTokensFilter().filter(other)
    assert other.getMessage() == "a GET /?client=1"


def test_the_filter_is_installed_once_on_uvicorns_access_logger() -> None:
    logger = logging.getLogger("uvicorn.access")
    logger.filters = [f for f in logger.filters if not isinstance(f, client_links.RedactTokensFilter)]
    client_links.redact_uvicorn_access_log()
    client_links.redact_uvicorn_access_log()
    assert sum(isinstance(f, client_links.RedactTokensFilter) for f in logger.filters) == 1


def test_csv_cells_a_spreadsheet_would_run_are_neutralised() -> None:
    assert _cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert _cell("@SUM(1)") == "'@SUM(1)" and _cell("+1") == "'+1"
    assert _cell(-3.5) == -3.5 and _cell("Montant") == "Montant" and _cell(None) == ""
