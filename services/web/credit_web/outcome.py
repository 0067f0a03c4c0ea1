"""Which decision a client is told, and by whom it was made: the one rule the letter and the client's own view
share.

The decision is the advisor's latest recorded one when there is one (then with the date and the name they sign
with, never their login), else the assessment tool's, said to be automated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from credit_web.auth import User


@dataclass(frozen=True)
class Outcome:
    decision: str  # "granted" | "refused": what the client is told
    model_decision: str
    advisor: dict[str, Any] | None  # scoring's latest advisor decision (history's `advisor_decision`)
    reviewed_at: datetime | None
    signer: str | None  # the reviewing advisor's display name, when known

    @property
    def overridden(self) -> bool:
        return self.advisor is not None and self.decision != self.model_decision


def outcome(scored: dict[str, Any], history: dict[str, Any], reader: User | None = None) -> Outcome:
    """`reader`: the signed-in advisor, whose own display name signs a decision they recorded before having one."""
    advisor = history.get("advisor_decision") or None
    decision = str(advisor["final_decision"]) if advisor else str(scored["decision"])
    signer = (advisor.get("display_name") if advisor else None) or (
        reader.display_name if advisor and reader is not None and advisor.get("username") == reader.username
        else None)
    reviewed = datetime.fromisoformat(str(advisor["decided_at"])) if advisor and advisor.get("decided_at") else None
    return Outcome(decision, str(scored["decision"]), advisor, reviewed, signer)
