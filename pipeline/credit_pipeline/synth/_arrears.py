"""Arrears episodes: runs of consecutive months in which a contract is past due.

Within an episode the days past due grow by a month every month (5, 35, 65 ...); most episodes are cured after a
month or two, a few are chronic and run to the end of the observed history (write-offs reach years of days past
due). The same episodes drive POS_CASH SK_DPD and the late instalments of a loan, so the tables agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth._quantiles import rate_with_slope


@dataclass(frozen=True)
class Episodes:
    start: np.ndarray  # month offset (from the contract's first month) where the episode starts; -1 = none
    length: np.ndarray  # months
    first_days: np.ndarray  # days past due in the episode's first month
    counted: np.ndarray  # large enough a debt to count in SK_DPD_DEF

    def days_past_due(self, contract: np.ndarray, offset: np.ndarray) -> np.ndarray:
        """Days past due of rows given their contract and month offset (0 outside an episode)."""
        start = self.start[contract]
        inside = (start >= 0) & (offset >= start) & (offset < start + self.length[contract])
        return np.where(inside, self.first_days[contract] + 30.0 * (offset - start), 0.0)


def draw(
    rng: np.random.Generator, trouble: np.ndarray, span: np.ndarray, rate: float, slope: float, chronic: float
) -> Episodes:
    """At most one episode per contract, with probability rising with `trouble` (mean `rate`); `span` = months the
    contract is observed; a share `chronic` of episodes never ends."""
    k = len(trouble)
    has = (span > 0) & (rng.random(k) < rate_with_slope(trouble, rate, slope))
    start = np.where(has, np.floor(rng.random(k) * np.maximum(span, 1)), -1).astype(np.int64)
    never_ends = rng.random(k) < chronic
    length = np.where(never_ends, 10_000, rng.geometric(0.6, k))
    return Episodes(start, length, np.ceil(rng.exponential(8.0, k)), rng.random(k) < 0.4)
