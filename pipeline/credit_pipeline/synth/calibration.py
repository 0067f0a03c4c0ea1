"""Fit the PD model's per-bin weights so that the generated default rates per bin match the real ones.

On a fixed pilot population (same for every seed, so the model is a property of the generator), the weights of each
application column are raked in turn: every bin's weight moves by the log-odds gap between its reference default
rate and its current mean PD, with the unobserved factor and the actual history score of the pilot clients in the
log-odds. Overlapping columns (EXT_SOURCE_1 and age, pensioners and DAYS_EMPLOYED ...) thereby share their effect
instead of adding it up. Runs once per process (about a second).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from credit_pipeline.synth import _reference as ref
from credit_pipeline.synth import risk, world
from credit_pipeline.synth._quantiles import logit, sigmoid, solve_shift

PILOT_SEED = 20_180_517
PILOT_CLIENTS = 50_000  # 20k over-fitted the per-bin weights to the pilot: bin rates moved by ±0.01 from seed to seed
ROUNDS = 40
DAMPING = 0.8


@cache
def fitted_model() -> risk.RiskModel:
    pilot = world.simulate(PILOT_SEED, 0, PILOT_CLIENTS, world.Offsets(), None)
    prior = risk.prior_risk(pilot.binned, pilot.unobserved)
    fixed = (risk.UNOBSERVED_SCALE * pilot.unobserved + risk.history_score(pilot.history)
             + risk.ratio_score(pilot.apps.columns))
    evidence = risk.evidence()
    weights = [ev.prior.copy() for ev in evidence]
    counts = [np.bincount(b, minlength=ev.size) for ev, b in zip(evidence, pilot.binned, strict=True)]
    reference_rate = float(ref.load()[risk.TABLE]["target_rate"])  # the rate the bins' targets are relative to

    log_odds = risk.application_log_odds(tuple(weights), pilot.binned) + fixed
    # Every column's bins are pulled to their own reference rates, which average to the reference rate: the overall
    # level follows without re-solving the intercept at each step.
    shift = solve_shift(log_odds, reference_rate)
    for _ in range(ROUNDS):
        for j, ev in enumerate(evidence):
            b = pilot.binned[j]
            p = sigmoid(shift + log_odds)
            rate = np.bincount(b, weights=p, minlength=ev.size) / np.maximum(counts[j], 1)
            seen = counts[j] > 0
            step = np.where(seen, DAMPING * (logit(ev.target) - logit(np.where(seen, rate, 0.5))), 0.0)
            weights[j] = weights[j] + step
            log_odds = log_odds + step[b]
    intercept = solve_shift(log_odds, risk.MEAN_PD)
    return risk.RiskModel(tuple(weights), float(prior.mean()), float(prior.std()), intercept)
