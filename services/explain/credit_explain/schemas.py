"""Request bodies. Responses are the core's plain payloads (documented in the route docstrings)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from credit_core.application_schema import ApplicationChanges, ApplicationFields, History, Schema
from credit_core.ids import ClientId


class ExplainRequest(Schema):
    """Either a what-if on a known client (`client_id` + `changes` to raw application fields),
    or a new application (`application`: raw application fields, `history`: optional raw history tables).
    Applications are validated exactly as the scoring API validates them (credit_core.application_schema)."""

    client_id: ClientId | None = None
    changes: ApplicationChanges = Field(default_factory=ApplicationChanges)  # type: ignore[valid-type]
    application: ApplicationFields | None = None  # type: ignore[valid-type]
    history: History | None = None
    top: int = Field(default=10, ge=1, le=500)

    @model_validator(mode="after")
    def _one_mode(self) -> ExplainRequest:
        if (self.client_id is None) == (self.application is None):
            raise ValueError("send either client_id (+ changes) or application (+ history)")
        if self.application is not None and self.changed():
            raise ValueError("changes only apply to client_id")
        if self.client_id is not None and self.history is not None:
            raise ValueError("history only applies to application")
        return self

    def changed(self) -> dict[str, Any]:
        """The fields sent in `changes` (null included: it clears the value)."""
        changes: BaseModel = self.changes
        return changes.model_dump(exclude_unset=True)
