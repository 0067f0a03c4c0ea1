"""The grant/refuse rule and the risk bands: the one place that says what a probability of default means.

A client is refused when P(default) is at or above the model's threshold (chosen at training for the business
cost of errors), granted below it. Scoring, explanations, counterfactuals and the training's cost and fairness
tables all ask this module.
"""

from __future__ import annotations

from typing import Literal, overload

import numpy as np

Decision = Literal["granted", "refused"]
GRANTED: Decision = "granted"
REFUSED: Decision = "refused"

# Risk bands as multiples of the decision threshold t (probability p):
#   low       p < t/2        comfortably below the cut-off
#   moderate  t/2 <= p < t   granted, but within a factor two of the cut-off
#   high      t <= p < 2t    refused
#   very high p >= 2t        refused, at least twice the acceptable risk
RISK_BANDS: tuple[tuple[float, str], ...] = ((0.5, "low"), (1.0, "moderate"), (2.0, "high"))

_DECISIONS = np.array([GRANTED, REFUSED], dtype=object)
_BAND_NAMES = np.array([band for _, band in RISK_BANDS] + ["very high"], dtype=object)


@overload
def is_refused(probability: float, threshold: float) -> bool: ...
@overload
def is_refused(probability: np.ndarray, threshold: float) -> np.ndarray: ...
def is_refused(probability: float | np.ndarray, threshold: float) -> bool | np.ndarray:
    """The rule: refused when the probability of default is at or above the threshold (elementwise on arrays)."""
    return probability >= threshold


def decide(probability: float, threshold: float) -> Decision:
    return REFUSED if is_refused(probability, threshold) else GRANTED


def decide_all(probabilities: np.ndarray, threshold: float) -> list[Decision]:
    """decide() of every probability at once (a batch)."""
    decisions: list[Decision] = _DECISIONS[is_refused(probabilities, threshold).astype(np.intp)].tolist()
    return decisions


def risk_band(probability: float, threshold: float) -> str:
    """"low" / "moderate" / "high" / "very high": the probability relative to the threshold (see RISK_BANDS)."""
    for factor, band in RISK_BANDS:
        if probability < factor * threshold:
            return band
    return "very high"


def risk_bands(probabilities: np.ndarray, threshold: float) -> list[str]:
    """risk_band of every probability at once (a batch): a band's index is the number of cut-offs at or below."""
    cutoffs = np.array([factor * threshold for factor, _ in RISK_BANDS])
    bands: list[str] = _BAND_NAMES[np.searchsorted(cutoffs, probabilities, side="right")].tolist()
    return bands
