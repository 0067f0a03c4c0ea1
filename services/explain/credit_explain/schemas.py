"""Request bodies. Responses are the core's plain payloads (documented in the route docstrings)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from credit_core import homecredit

_EDITABLE = {c.name for c in homecredit.APPLICATION.columns if c.kind in (homecredit.NUM, homecredit.CAT)}


class ExplainRequest(BaseModel):
    """Either a what-if on a known client (`client_id` + `changes` to raw application fields),
    or a new application (`application`: raw application fields, `history`: optional raw history tables)."""

    model_config = ConfigDict(extra="forbid")

    client_id: int | None = Field(default=None, ge=1)
    changes: dict[str, float | str | None] = Field(default_factory=dict)
    application: dict[str, Any] | None = None
    history: dict[str, list[dict[str, Any]]] | None = None
    top: int = Field(default=10, ge=1, le=500)

    @model_validator(mode="after")
    def _one_mode(self) -> ExplainRequest:
        if (self.client_id is None) == (self.application is None):
            raise ValueError("send either client_id (+ changes) or application (+ history)")
        if self.application is not None and self.changes:
            raise ValueError("changes only apply to client_id")
        unknown = sorted(set(self.changes) - _EDITABLE)
        if unknown:
            raise ValueError(f"not editable application fields: {', '.join(unknown)}")
        return self
