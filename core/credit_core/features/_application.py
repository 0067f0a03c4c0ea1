"""Application features: the useful raw columns, readable time spans, affordability ratios, EXT_SOURCE combos."""

from __future__ import annotations

from functools import cache

import polars as pl

from credit_core import homecredit
from credit_core.features._expr import (
    DAYS_SENTINEL,
    aliased,
    c,
    flag,
    safe_div,
    sum_or_null,
    without_sentinel,
    years_ago,
)

RAW_CATEGORICAL = (
    "NAME_CONTRACT_TYPE",
    "CODE_GENDER",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
    "NAME_TYPE_SUITE",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "OCCUPATION_TYPE",
    "ORGANIZATION_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
)

EXT_SOURCES = ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
# EXT_SOURCE_2/3 separate good and bad payers better than EXT_SOURCE_1 on the real data.
_EXT_WEIGHTS = (1.0, 2.0, 2.0)
# Building descriptors: only the *_AVG variants; *_MODE/*_MEDI are near-duplicates of them.
BUILDING = (*(col.name for col in homecredit.APPLICATION.columns if col.name.endswith("_AVG")), "TOTALAREA_MODE")
REGION_FLAGS = (
    "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_LIVE_CITY",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
)
DOCUMENT_FLAGS = tuple(f"FLAG_DOCUMENT_{i}" for i in range(2, 22))
BUREAU_REQUESTS = tuple(f"AMT_REQ_CREDIT_BUREAU_{p}" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"))

RAW_NUMERIC = (
    "CNT_CHILDREN",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "REGION_POPULATION_RELATIVE",
    "OWN_CAR_AGE",
    "FLAG_EMP_PHONE",
    "FLAG_WORK_PHONE",
    "FLAG_PHONE",
    "FLAG_EMAIL",
    "CNT_FAM_MEMBERS",
    "REGION_RATING_CLIENT",
    "REGION_RATING_CLIENT_W_CITY",
    "HOUR_APPR_PROCESS_START",
    *REGION_FLAGS,
    *EXT_SOURCES,
    *BUILDING,
    "OBS_30_CNT_SOCIAL_CIRCLE",
    "DEF_30_CNT_SOCIAL_CIRCLE",
    "OBS_60_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE",
    "FLAG_DOCUMENT_3",
    "AMT_REQ_CREDIT_BUREAU_MON",
    "AMT_REQ_CREDIT_BUREAU_QRT",
    "AMT_REQ_CREDIT_BUREAU_YEAR",
)

# Inputs whose absence says something (the client skipped it, the bureau had nothing). *_MODE/*_MEDI are left
# out: they are missing exactly when their *_AVG twin is, and each counted column costs time on every call.
_MISSING_COUNTED = (
    *(
        col.name
        for col in homecredit.APPLICATION.columns
        if col.kind in (homecredit.NUM, homecredit.CAT)
        and not col.name.endswith(("_MODE", "_MEDI"))
        and not col.name.startswith("FLAG_DOCUMENT_")
    ),
    *("TOTALAREA_MODE", "FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE"),
)


def features(application: pl.LazyFrame) -> pl.LazyFrame:
    """SK_ID_CURR + every application-group feature, one row per application row (order kept)."""
    return application.select(_exprs())


@cache  # expressions are immutable: build them once, not per (single-application) call
def _exprs() -> list[pl.Expr]:
    employed = without_sentinel("DAYS_EMPLOYED")
    ext = [c(name) for name in EXT_SOURCES]
    weights = [w * e.is_not_null().cast(pl.Float64) for w, e in zip(_EXT_WEIGHTS, ext, strict=True)]
    weighted = pl.sum_horizontal(w * e for w, e in zip(_EXT_WEIGHTS, ext, strict=True))
    derived = aliased(
        AGE_YEARS=years_ago(c("DAYS_BIRTH")),
        YEARS_EMPLOYED=years_ago(employed),
        EMPLOYMENT_UNKNOWN=flag(c("DAYS_EMPLOYED") == DAYS_SENTINEL),
        YEARS_REGISTRATION=years_ago(c("DAYS_REGISTRATION")),
        YEARS_ID_PUBLISH=years_ago(c("DAYS_ID_PUBLISH")),
        PHONE_CHANGE_DAYS_AGO=-c("DAYS_LAST_PHONE_CHANGE"),
        EMPLOYED_TO_AGE=safe_div(employed, c("DAYS_BIRTH")),
        CREDIT_TO_INCOME=safe_div(c("AMT_CREDIT"), c("AMT_INCOME_TOTAL")),
        ANNUITY_TO_INCOME=safe_div(c("AMT_ANNUITY"), c("AMT_INCOME_TOTAL")),
        ANNUITY_TO_CREDIT=safe_div(c("AMT_ANNUITY"), c("AMT_CREDIT")),
        CREDIT_TERM=safe_div(c("AMT_CREDIT"), c("AMT_ANNUITY")),
        GOODS_TO_CREDIT=safe_div(c("AMT_GOODS_PRICE"), c("AMT_CREDIT")),
        CREDIT_OVER_GOODS=c("AMT_CREDIT") - c("AMT_GOODS_PRICE"),
        GOODS_TO_INCOME=safe_div(c("AMT_GOODS_PRICE"), c("AMT_INCOME_TOTAL")),
        INCOME_PER_PERSON=safe_div(c("AMT_INCOME_TOTAL"), c("CNT_FAM_MEMBERS")),
        EXT_SOURCE_MEAN=pl.mean_horizontal(ext),
        EXT_SOURCE_MIN=pl.min_horizontal(ext),
        EXT_SOURCE_MAX=pl.max_horizontal(ext),
        EXT_SOURCE_STD=pl.concat_list(ext).list.std(),
        EXT_SOURCE_PROD=ext[0] * ext[1] * ext[2],
        EXT_SOURCE_WEIGHTED=safe_div(weighted, pl.sum_horizontal(weights)),
        EXT_SOURCE_MISSING=pl.sum_horizontal(e.is_null() for e in ext).cast(pl.Float64),
        DOCUMENT_COUNT=sum_or_null(DOCUMENT_FLAGS),
        MISSING_COUNT=pl.sum_horizontal(c(name).is_null() for name in _MISSING_COUNTED).cast(pl.Float64),
        REGION_MISMATCH_COUNT=sum_or_null(REGION_FLAGS),
        BUREAU_REQUESTS_TOTAL=sum_or_null(BUREAU_REQUESTS),
    )
    return [c(name) for name in ("SK_ID_CURR", *RAW_CATEGORICAL, *RAW_NUMERIC)] + derived
