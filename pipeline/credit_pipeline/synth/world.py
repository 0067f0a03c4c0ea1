"""One chunk of clients and their whole credit history, before the true PD is put on them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from credit_pipeline.synth import _arrears, application, bureau, cards, installments, pos_cash, previous, risk
from credit_pipeline.synth._quantiles import mix

FIRST_CLIENT_ID = 100_002
FIRST_BUREAU_ID = 5_000_000
FIRST_PREVIOUS_ID = 1_000_001
CONTRACT_TROUBLE_LOADING = 0.8  # how closely a contract's repayment trouble follows its client's propensity


@dataclass
class Offsets:
    """Next free identifiers: chunks are generated in order and continue each other's key sequences."""

    client: int = FIRST_CLIENT_ID
    bureau: int = FIRST_BUREAU_ID
    previous: int = FIRST_PREVIOUS_ID


@dataclass(frozen=True)
class Chunk:
    ids: np.ndarray
    apps: application.Applications
    binned: list[np.ndarray]  # application columns in the PD model's bins
    unobserved: np.ndarray
    bureau: bureau.BureauRows
    previous: previous.PreviousRows
    cards: cards.CardRows
    pos: pos_cash.PosRows
    instalments: installments.InstalmentRows
    history: risk.History


def streams(seed: int, chunk: int, count: int) -> list[np.random.Generator]:
    """Independent generators per chunk and per table: changing one table leaves the others' draws alone."""
    return [np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(chunk, i))) for i in range(count)]


def simulate(
    seed: int, index: int, n: int, offsets: Offsets, standardise: tuple[float, float] | None
) -> Chunk:
    """Clients `offsets.client ...` with their history; `standardise` = (mean, sd) of the prior risk (None: this
    chunk's own, which only the calibration pilot uses). Advances `offsets`."""
    r_app, r_latent, r_bureau, r_prev, r_trouble, r_cards, r_pos, r_inst = streams(seed, index, 8)
    ids = offsets.client + np.arange(n, dtype=np.int64)
    apps = application.generate(r_app, n)
    binned = risk.bins(apps.columns)
    unobserved = r_latent.standard_normal(n)
    prior = risk.prior_risk(binned, unobserved)
    mean, sd = standardise if standardise is not None else (float(prior.mean()), float(prior.std()) or 1.0)
    z = (prior - mean) / sd
    propensity = np.sqrt(1 - risk.HISTORY_NOISE) * z + np.sqrt(risk.HISTORY_NOISE) * r_latent.standard_normal(n)

    bur = bureau.generate(r_bureau, ids, propensity, offsets.bureau)
    prev = previous.generate(r_prev, ids, propensity, offsets.previous)
    contracts = prev.contracts
    loans = contracts.loans()
    trouble = mix(r_trouble.standard_normal(len(loans)), propensity[contracts.owner[loans]], CONTRACT_TROUBLE_LOADING)
    episodes = _arrears.draw(r_trouble, trouble, contracts.instalments_due(loans), *pos_cash.ARREARS)
    card = cards.generate(r_cards, contracts, propensity, ids)
    pos = pos_cash.generate(r_pos, contracts, episodes, ids)
    inst = installments.generate(r_inst, contracts, trouble, episodes, ids, card.payments)

    offsets.client += n
    offsets.bureau += len(bur.bureau["SK_ID_BUREAU"])
    offsets.previous += len(prev.previous["SK_ID_PREV"])
    history = risk.History(
        late_instalments=inst.late,
        underpaid_instalments=inst.underpaid,
        instalments=inst.total,
        bureau_worst_status=bur.max_status,
        bureau_overdue_now=bur.overdue_now,
        refused_applications=prev.refused,
        pos_late_months=pos.late_months,
        card_over_limit_months=card.over_limit,
        card_late_months=card.late_months,
    )
    return Chunk(ids, apps, binned, unobserved, bur, prev, card, pos, inst, history)
