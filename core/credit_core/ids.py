"""The client id (Home Credit's SK_ID_CURR): one range and one parsing rule for every route, schema and form.

In JSON a client id is an integer (not a boolean, not a float such as 100002.0, not a string). In a URL path, a
query or a form it is its canonical decimal text: ASCII digits without sign, spaces, underscores or leading zeros
(`+100002`, ` 100002`, `1_0`, `²` and `0100002` are refused). The range is what a PostgreSQL bigint holds,
without 0 and negatives (no client has them).
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

MIN_CLIENT_ID = 1
MAX_CLIENT_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_CLIENT_ID))  # 19
_CANONICAL = re.compile(r"[1-9][0-9]{0,18}")
DESCRIPTION = f"SK_ID_CURR: an integer from {MIN_CLIENT_ID} to {MAX_CLIENT_ID}."
RANGE_MESSAGE = f"must be an integer from {MIN_CLIENT_ID} to {MAX_CLIENT_ID} (digits only)"


def parse_client_id(text: str) -> int:
    """The id written as `text` (canonical decimal digits, in range), else ValueError.

    The length is checked before any conversion: Python refuses to convert more than 4,300 digits (and a long
    conversion costs time), so an oversized input must never reach int()."""
    if len(text) > MAX_DIGITS or not _CANONICAL.fullmatch(text):
        raise ValueError(RANGE_MESSAGE)
    value = int(text)
    if value > MAX_CLIENT_ID:
        raise ValueError(RANGE_MESSAGE)
    return value


def client_id_or_none(text: str | None) -> int | None:
    """`parse_client_id`, or None for anything that is not a valid id (forms and URLs typed by people)."""
    try:
        return parse_client_id(text) if text is not None else None
    except ValueError:
        return None


def _from_json(value: Any) -> int:
    # bool is an int subclass: `true` must not become client 1.
    if type(value) is not int or not MIN_CLIENT_ID <= value <= MAX_CLIENT_ID:
        raise ValueError(RANGE_MESSAGE)
    return value


def _from_text(value: Any) -> int:
    if isinstance(value, str):
        return parse_client_id(value)
    return _from_json(value)


_SCHEMA = {"type": "integer", "minimum": MIN_CLIENT_ID, "maximum": MAX_CLIENT_ID, "description": DESCRIPTION}

# In JSON bodies.
ClientId = Annotated[int, BeforeValidator(_from_json), WithJsonSchema(_SCHEMA), Field(description=DESCRIPTION)]
# In paths, queries and forms (text by nature); documented as the same integer.
ClientIdParam = Annotated[int, BeforeValidator(_from_text), WithJsonSchema(_SCHEMA),
                          Field(description=DESCRIPTION, examples=[100002])]
