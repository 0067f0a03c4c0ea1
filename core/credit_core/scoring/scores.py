"""What scoring returns: scored rows column by column (Scores), one row's view (ScoreResult)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_core import decision
from credit_core.decision import Decision
from credit_core.feature_store import DIGEST_SIZE


@dataclass(frozen=True, slots=True)
class ScoreResult:
    """One scored row (a view of one row of Scores)."""

    client_id: int | None
    probability: float
    decision: Decision
    threshold: float
    risk_band: str
    model_version: str
    feature_hash: str
    application_hash: str | None = None

    @property
    def margin(self) -> float:
        return self.probability - self.threshold


@dataclass(frozen=True, slots=True)
class Scores:
    """Scored rows column by column: a batch of 10,000 costs no object per row."""

    model_version: str
    threshold: float
    client_ids: list[int | None]
    probabilities: list[float]
    decisions: list[Decision]
    risk_bands: list[str]
    feature_digests: bytes  # the rows' sha256 digests (feature_store.row_digest), end to end
    application_hashes: list[str | None]

    @classmethod
    def decided(cls, model_version: str, threshold: float, probabilities: np.ndarray, feature_digests: bytes,
                client_ids: list[int | None], application_hashes: list[str | None] | None = None) -> Scores:
        """The decisions and risk bands of these probabilities at `threshold` (credit_core.decision)."""
        return cls(
            model_version=model_version, threshold=threshold, client_ids=client_ids,
            probabilities=probabilities.tolist(), decisions=decision.decide_all(probabilities, threshold),
            risk_bands=decision.risk_bands(probabilities, threshold), feature_digests=feature_digests,
            application_hashes=application_hashes or [None] * len(client_ids),
        )

    def __len__(self) -> int:
        return len(self.probabilities)

    def feature_hash(self, i: int) -> str:
        return self.feature_digests[i * DIGEST_SIZE:(i + 1) * DIGEST_SIZE].hex()

    def feature_hashes(self) -> list[str]:
        return [self.feature_hash(i) for i in range(len(self))]

    def result(self, i: int) -> ScoreResult:
        return ScoreResult(self.client_ids[i], self.probabilities[i], self.decisions[i], self.threshold,
                           self.risk_bands[i], self.model_version, self.feature_hash(i), self.application_hashes[i])
