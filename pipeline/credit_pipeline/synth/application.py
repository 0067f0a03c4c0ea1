"""Application rows (application_train / application_test) for one chunk of clients.

Numeric columns come from a Gaussian copula with the reference Spearman matrix, mapped through each column's
reference marginal; the rules the real file obeys are then imposed: pensioners and the unemployed carry
DAYS_EMPLOYED = 365243, ORGANIZATION_TYPE 'XNA', no occupation and FLAG_EMP_PHONE = 0; OWN_CAR_AGE exists only
for car owners; the building-information block (*_AVG/_MODE/_MEDI, FONDKAPREMONT_MODE ...) is missing in nested
layers; CNT_FAM_MEMBERS = children + 1 or 2 with a partner; one FLAG_DOCUMENT per client.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from credit_pipeline.synth import _draw as draw
from credit_pipeline.synth import _reference as ref
from credit_pipeline.synth._quantiles import (
    Copula,
    Marginal,
    cumulative,
    latent_correlation,
    mix,
    norm_cdf,
    norm_ppf,
    stack,
)
from credit_pipeline.synth.writer import Cat, Columns

TABLE = "application_train"
SENTINEL = 365243  # DAYS_EMPLOYED of clients without an employer (pensioners, unemployed)
NOT_EMPLOYED_INCOME = ("Pensioner", "Unemployed")
GENDER_XNA_SHARE = 1.3e-5  # 4 of 307,511 real clients; too rare to appear in the 16k-row reference
TEST_SHARE = 48_744 / 356_255  # application_test's share of the Kaggle clients

BUILDING_BASES = (
    "APARTMENTS", "BASEMENTAREA", "YEARS_BEGINEXPLUATATION", "YEARS_BUILD", "COMMONAREA", "ELEVATORS", "ENTRANCES",
    "FLOORSMAX", "FLOORSMIN", "LANDAREA", "LIVINGAPARTMENTS", "LIVINGAREA", "NONLIVINGAPARTMENTS", "NONLIVINGAREA",
)  # fmt: skip
BUILDING_NUMERIC = (
    *(f"{b}_{s}" for s in ("AVG", "MODE", "MEDI") for b in BUILDING_BASES),
    "TOTALAREA_MODE",
)
BUILDING_CATEGORICAL = ("FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE")
AMT_REQ = tuple(f"AMT_REQ_CREDIT_BUREAU_{p}" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"))
DOCUMENTS = tuple(f"FLAG_DOCUMENT_{i}" for i in range(2, 22))
INDEPENDENT_FLAGS = (
    "FLAG_WORK_PHONE", "FLAG_CONT_MOBILE", "FLAG_PHONE", "FLAG_EMAIL", "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION", "LIVE_REGION_NOT_WORK_REGION", "REG_CITY_NOT_LIVE_CITY", "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
)  # fmt: skip
PLAIN_CATEGORICAL = (
    "FLAG_OWN_REALTY", "NAME_TYPE_SUITE", "NAME_EDUCATION_TYPE", "NAME_HOUSING_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
)  # fmt: skip

PARTNERED = ("Married", "Civil marriage")
SINGLE_CHILDREN = np.array([0.83, 0.13, 0.035, 0.005])  # children of clients without a partner: 0, 1, 2, 3
# Among the employed, tenure grows with age; the reference's negative DAYS_BIRTH~DAYS_EMPLOYED correlation comes
# from the 365243 sentinel of (older) pensioners, which is drawn separately below.
EMPLOYED_AGE_CORRELATION = 0.35
PENSION_AGE_LOADING = 0.9


@dataclass(frozen=True)
class Applications:
    """One chunk of clients: their columns (TARGET still empty) and the split."""

    columns: Columns
    is_test: np.ndarray


@cache
def _copula() -> Copula:
    names, matrix = ref.spearman(TABLE)
    keep = [c for c in names if c != "TARGET"]
    corr = latent_correlation(names, matrix, keep)
    e, b = keep.index("DAYS_EMPLOYED"), keep.index("DAYS_BIRTH")
    corr[e, :] = corr[:, e] = 0.0
    corr[e, e] = 1.0
    corr[e, b] = corr[b, e] = EMPLOYED_AGE_CORRELATION
    return Copula.from_correlation(keep, corr)


def _marginal(name: str) -> Marginal:
    return draw.marginal(TABLE, name)


def _missing(name: str) -> float:
    return draw.missing(TABLE, name)


def _categorical(rng: np.random.Generator, name: str, n: int, *, exclude: tuple[str, ...] = ()) -> Cat:
    return draw.category(rng, TABLE, name, n, exclude=exclude)


def _discrete(rng: np.random.Generator, name: str, n: int) -> np.ndarray:
    return _marginal(name).ppf(rng.random(n))


def _pmf(marginal: Marginal) -> np.ndarray:
    assert marginal.cum is not None
    return np.diff(np.concatenate([[0.0], marginal.cum]))


def _snap(values: np.ndarray, marginal: Marginal, levels: int) -> np.ndarray:
    """Snap to `levels` distinct values (the real REGION_POPULATION_RELATIVE has ~80 regions, EXT_SOURCE_3 ~800
    scores)."""
    grid = marginal.ppf((np.arange(levels) + 0.5) / levels)
    idx = np.clip(np.searchsorted(grid, values), 1, levels - 1)
    left, right = grid[idx - 1], grid[idx]
    return np.where(values - left < right - values, left, right)


def _round_to(values: np.ndarray, step: float) -> np.ndarray:
    return np.round(values / step) * step


def generate(rng: np.random.Generator, n: int) -> Applications:
    cols: Columns = {}
    z = _copula().normals(rng, n)
    for name, zz in z.items():
        if name != "DAYS_EMPLOYED":
            cols[name] = _marginal(name).ppf_z(zz)

    _employment(rng, cols, z, norm_cdf(z["DAYS_EMPLOYED"]), n)
    _amounts(rng, cols, n)
    _household(rng, cols, n)
    _region(rng, cols, z, n)
    _scores(rng, cols, n)
    _building(rng, cols, n)
    _social_and_bureau(rng, cols, n)
    _flags(rng, cols, n)
    for name in PLAIN_CATEGORICAL:
        cols[name] = draw.category(rng, TABLE, name, n, with_missing=True)
    is_test = rng.random(n) < TEST_SHARE
    return Applications(cols, is_test)


def _employment(
    rng: np.random.Generator, cols: Columns, z: dict[str, np.ndarray], u_employed: np.ndarray, n: int
) -> None:
    """Who works, since when, where and as what."""
    income_cats, income_shares = ref.shares(TABLE, "NAME_INCOME_TYPE")
    share = dict(zip(income_cats, income_shares, strict=True))
    not_employed_share = sum(share.get(c, 0.0) for c in NOT_EMPLOYED_INCOME)
    # Pensioners are the oldest clients (a lower DAYS_BIRTH latent = older).
    pension_latent = mix(rng.standard_normal(n), -z["DAYS_BIRTH"], PENSION_AGE_LOADING)
    not_employed = pension_latent > norm_ppf(1 - not_employed_share)

    marginal = _marginal("DAYS_EMPLOYED")
    employed_top = marginal.cdf_at(SENTINEL)
    days = marginal.ppf(u_employed * employed_top)
    days = np.maximum(days, cols["DAYS_BIRTH"] + 18 * 365)  # nobody starts work before 18
    cols["DAYS_EMPLOYED"] = np.where(not_employed, float(SENTINEL), np.minimum(days, 0.0))
    cols["DAYS_REGISTRATION"] = np.maximum(cols["DAYS_REGISTRATION"], cols["DAYS_BIRTH"])
    cols["DAYS_ID_PUBLISH"] = np.maximum(cols["DAYS_ID_PUBLISH"], cols["DAYS_BIRTH"] + 14 * 365)
    cols["FLAG_EMP_PHONE"] = (~not_employed).astype(float)
    cols["FLAG_MOBIL"] = np.ones(n)

    # Income type: pensioners (and the rare unemployed) versus the employed kinds.
    cats = tuple(income_cats)
    working = [c for c in cats if c not in NOT_EMPLOYED_INCOME]
    idle = [c for c in cats if c in NOT_EMPLOYED_INCOME]
    code_work = stack(rng.random(n), cumulative([share[c] for c in working]))
    code_idle = stack(rng.random(n), cumulative([share[c] for c in idle]))
    income = np.where(
        not_employed,
        np.array([cats.index(c) for c in idle])[code_idle],
        np.array([cats.index(c) for c in working])[code_work],
    )
    cols["NAME_INCOME_TYPE"] = Cat(income, cats)

    org = _categorical(rng, "ORGANIZATION_TYPE", n, exclude=("XNA",))
    xna = len(org.categories)
    cols["ORGANIZATION_TYPE"] = Cat(np.where(not_employed, xna, org.codes), (*org.categories, "XNA"))

    # Occupation is unknown for every non-employed client and for part of the employed, so that the overall
    # missing share matches.
    occ = _categorical(rng, "OCCUPATION_TYPE", n)
    employed_missing = max(0.0, (_missing("OCCUPATION_TYPE") - not_employed_share) / (1 - not_employed_share))
    occ_codes = np.where(not_employed | (rng.random(n) < employed_missing), -1, occ.codes)
    cols["OCCUPATION_TYPE"] = Cat(occ_codes, occ.categories)


def _amounts(rng: np.random.Generator, cols: Columns, n: int) -> None:
    """Money columns on the grids the real file uses (multiples of 4,500 for income and goods, 4.5 for credit and
    annuity)."""
    cols["AMT_INCOME_TOTAL"] = np.where(
        cols["AMT_INCOME_TOTAL"] >= 45000,
        _round_to(cols["AMT_INCOME_TOTAL"], 4500.0),
        _round_to(cols["AMT_INCOME_TOTAL"], 450.0),
    )
    cols["AMT_CREDIT"] = _round_to(cols["AMT_CREDIT"], 4.5)
    cols["AMT_ANNUITY"] = _round_to(cols["AMT_ANNUITY"], 4.5)
    goods = _round_to(cols["AMT_GOODS_PRICE"], 4500.0)
    contract = _categorical(rng, "NAME_CONTRACT_TYPE", n)
    cols["NAME_CONTRACT_TYPE"] = contract
    # Only revolving loans lack a goods price in the real file.
    revolving = contract.is_("Revolving loans")
    p_missing = _missing("AMT_GOODS_PRICE") / draw.category_share(TABLE, "NAME_CONTRACT_TYPE", "Revolving loans")
    cols["AMT_GOODS_PRICE"] = np.where(revolving & (rng.random(n) < p_missing), np.nan, goods)


def _household(rng: np.random.Generator, cols: Columns, n: int) -> None:
    """Gender, family status, children, family size, car and its age."""
    gender = _categorical(rng, "CODE_GENDER", n)
    cats = (*gender.categories, "XNA")  # absent from the reference sample, rare in the real file
    cols["CODE_GENDER"] = Cat(np.where(rng.random(n) < GENDER_XNA_SHARE, len(cats) - 1, gender.codes), cats)

    family = _categorical(rng, "NAME_FAMILY_STATUS", n)
    cols["NAME_FAMILY_STATUS"] = family
    partner = np.isin(family.codes, [family.categories.index(c) for c in PARTNERED])
    # Clients without a partner have fewer children; the partnered ones take the rest of the CNT_CHILDREN shares,
    # so that CNT_CHILDREN and CNT_FAM_MEMBERS (children + 1, or + 2 with a partner) both keep theirs.
    child = _marginal("CNT_CHILDREN")
    assert child.values is not None
    total = _pmf(child)
    single_share = 1.0 - sum(draw.category_share(TABLE, "NAME_FAMILY_STATUS", c) for c in PARTNERED)
    single = np.zeros(len(total))
    single[: len(SINGLE_CHILDREN)] = SINGLE_CHILDREN[: len(total)]
    partnered = np.clip(total - single_share * single, 0.0, None)
    children = np.where(
        partner,
        child.values[stack(rng.random(n), cumulative(partnered))],
        child.values[stack(rng.random(n), cumulative(single))],
    )
    cols["CNT_CHILDREN"] = children
    cols["CNT_FAM_MEMBERS"] = children + np.where(partner, 2.0, 1.0)

    car = _categorical(rng, "FLAG_OWN_CAR", n)
    cols["FLAG_OWN_CAR"] = car
    cols["OWN_CAR_AGE"] = np.where(car.is_("Y"), cols["OWN_CAR_AGE"], np.nan)


def _region(rng: np.random.Generator, cols: Columns, z: dict[str, np.ndarray], n: int) -> None:
    """Region size and the region ratings derived from it (big, rich regions are rated 1)."""
    pop = _marginal("REGION_POPULATION_RELATIVE")
    cols["REGION_POPULATION_RELATIVE"] = np.round(_snap(cols["REGION_POPULATION_RELATIVE"], pop, 81), 6)
    rating_latent = mix(rng.standard_normal(n), -z["REGION_POPULATION_RELATIVE"], 0.6)
    city_latent = mix(rng.standard_normal(n), rating_latent, 0.9)
    for name, latent in (("REGION_RATING_CLIENT", rating_latent), ("REGION_RATING_CLIENT_W_CITY", city_latent)):
        cols[name] = _marginal(name).ppf_z(latent)


def _scores(rng: np.random.Generator, cols: Columns, n: int) -> None:
    """External scores: EXT_SOURCE_3 takes ~800 distinct values like the real one; missing at random."""
    cols["EXT_SOURCE_3"] = _snap(cols["EXT_SOURCE_3"], _marginal("EXT_SOURCE_3"), 814)
    for name in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3"):
        cols[name] = np.where(rng.random(n) < _missing(name), np.nan, cols[name])


def _building(rng: np.random.Generator, cols: Columns, n: int) -> None:
    """Building information is missing in nested layers driven by one draw per client: a column is present when
    the draw exceeds its missing share, so the AVG/MODE/MEDI versions of a measure vanish together."""
    layer = rng.random(n)
    for name in BUILDING_NUMERIC:
        cols[name] = np.where(layer < _missing(name), np.nan, np.round(cols[name], 4))
    for name in BUILDING_CATEGORICAL:
        cat = _categorical(rng, name, n)
        cols[name] = Cat(np.where(layer < _missing(name), -1, cat.codes), cat.categories)


def _social_and_bureau(rng: np.random.Generator, cols: Columns, n: int) -> None:
    """Social-circle counts (defaults within the observed circle) and credit-bureau enquiries, each block missing
    together."""
    social_missing = rng.random(n) < _missing("OBS_30_CNT_SOCIAL_CIRCLE")
    obs30, obs60 = cols["OBS_30_CNT_SOCIAL_CIRCLE"], cols["OBS_60_CNT_SOCIAL_CIRCLE"]
    # Defaulters are among the observed: only clients with an observed circle have some, as often as needed for
    # DEF_30's shares.
    def30_marginal = _marginal("DEF_30_CNT_SOCIAL_CIRCLE")
    assert def30_marginal.values is not None
    pmf = _pmf(def30_marginal)
    with_circle = 1.0 - _marginal("OBS_30_CNT_SOCIAL_CIRCLE").cdf_at(0.5)
    some = (obs30 > 0) & (rng.random(n) < (1 - pmf[0]) / with_circle)
    how_many = def30_marginal.values[1:][stack(rng.random(n), cumulative(pmf[1:]))]
    def30 = np.minimum(np.where(some, how_many, 0.0), obs30)
    def60 = rng.binomial(def30.astype(np.int64), 0.7).astype(float)  # 60-day defaulters are among the 30-day ones
    for name, values in (
        ("OBS_30_CNT_SOCIAL_CIRCLE", obs30),
        ("DEF_30_CNT_SOCIAL_CIRCLE", def30),
        ("OBS_60_CNT_SOCIAL_CIRCLE", obs60),
        ("DEF_60_CNT_SOCIAL_CIRCLE", def60),
    ):
        cols[name] = np.where(social_missing, np.nan, values)

    enquiry_missing = rng.random(n) < _missing("AMT_REQ_CREDIT_BUREAU_YEAR")
    for name in AMT_REQ:
        values = cols[name] if name in cols else _discrete(rng, name, n)
        cols[name] = np.where(enquiry_missing, np.nan, values)


def _flags(rng: np.random.Generator, cols: Columns, n: int) -> None:
    for name in INDEPENDENT_FLAGS:
        cols[name] = _discrete(rng, name, n)
    # Clients hand in one main document (mostly document 3), so the document flags are mutually exclusive.
    shares = [ref.column(TABLE, d)["values"].get("1.0", 0.0) for d in DOCUMENTS]
    choice = stack(rng.random(n), np.cumsum([*shares, max(0.0, 1 - sum(shares))]))
    for i, name in enumerate(DOCUMENTS):
        cols[name] = (choice == i).astype(float)
