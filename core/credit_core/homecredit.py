"""The Home Credit Default Risk schema: the seven raw tables, their files and typed columns.

This module is the single description of the raw data. The ORM tables, the ingest validation,
the synthetic generator and the online request schema all derive from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    KEY = "key"  # SK_ID_* identifiers: bigint
    TARGET = "target"  # 1 = the client defaulted; empty for application_test rows
    NUM = "numeric"  # stored as double precision (the Kaggle files write many ints as 2.0)
    CAT = "categorical"  # stored as text, kept verbatim ('XNA', 'Y'/'N', ...)


KEY, TARGET, NUM, CAT = Kind.KEY, Kind.TARGET, Kind.NUM, Kind.CAT


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind


@dataclass(frozen=True)
class Table:
    """One raw table: its Postgres name, the Kaggle CSV file(s) it comes from and its columns."""

    name: str
    files: tuple[str, ...]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def file_columns(self, file: str) -> list[str]:
        """Header of `file`, in the exact Kaggle order (application_test has no TARGET)."""
        if file == "application_test.csv":
            return [c.name for c in self.columns if c.kind is not Kind.TARGET]
        return self.column_names

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


_COLUMNS: dict[str, tuple[tuple[str, Kind], ...]] = {
    'application': (
        ('SK_ID_CURR', KEY),
        ('TARGET', TARGET),
        ('NAME_CONTRACT_TYPE', CAT),
        ('CODE_GENDER', CAT),
        ('FLAG_OWN_CAR', CAT),
        ('FLAG_OWN_REALTY', CAT),
        ('CNT_CHILDREN', NUM),
        ('AMT_INCOME_TOTAL', NUM),
        ('AMT_CREDIT', NUM),
        ('AMT_ANNUITY', NUM),
        ('AMT_GOODS_PRICE', NUM),
        ('NAME_TYPE_SUITE', CAT),
        ('NAME_INCOME_TYPE', CAT),
        ('NAME_EDUCATION_TYPE', CAT),
        ('NAME_FAMILY_STATUS', CAT),
        ('NAME_HOUSING_TYPE', CAT),
        ('REGION_POPULATION_RELATIVE', NUM),
        ('DAYS_BIRTH', NUM),
        ('DAYS_EMPLOYED', NUM),
        ('DAYS_REGISTRATION', NUM),
        ('DAYS_ID_PUBLISH', NUM),
        ('OWN_CAR_AGE', NUM),
        ('FLAG_MOBIL', NUM),
        ('FLAG_EMP_PHONE', NUM),
        ('FLAG_WORK_PHONE', NUM),
        ('FLAG_CONT_MOBILE', NUM),
        ('FLAG_PHONE', NUM),
        ('FLAG_EMAIL', NUM),
        ('OCCUPATION_TYPE', CAT),
        ('CNT_FAM_MEMBERS', NUM),
        ('REGION_RATING_CLIENT', NUM),
        ('REGION_RATING_CLIENT_W_CITY', NUM),
        ('WEEKDAY_APPR_PROCESS_START', CAT),
        ('HOUR_APPR_PROCESS_START', NUM),
        ('REG_REGION_NOT_LIVE_REGION', NUM),
        ('REG_REGION_NOT_WORK_REGION', NUM),
        ('LIVE_REGION_NOT_WORK_REGION', NUM),
        ('REG_CITY_NOT_LIVE_CITY', NUM),
        ('REG_CITY_NOT_WORK_CITY', NUM),
        ('LIVE_CITY_NOT_WORK_CITY', NUM),
        ('ORGANIZATION_TYPE', CAT),
        ('EXT_SOURCE_1', NUM),
        ('EXT_SOURCE_2', NUM),
        ('EXT_SOURCE_3', NUM),
        ('APARTMENTS_AVG', NUM),
        ('BASEMENTAREA_AVG', NUM),
        ('YEARS_BEGINEXPLUATATION_AVG', NUM),
        ('YEARS_BUILD_AVG', NUM),
        ('COMMONAREA_AVG', NUM),
        ('ELEVATORS_AVG', NUM),
        ('ENTRANCES_AVG', NUM),
        ('FLOORSMAX_AVG', NUM),
        ('FLOORSMIN_AVG', NUM),
        ('LANDAREA_AVG', NUM),
        ('LIVINGAPARTMENTS_AVG', NUM),
        ('LIVINGAREA_AVG', NUM),
        ('NONLIVINGAPARTMENTS_AVG', NUM),
        ('NONLIVINGAREA_AVG', NUM),
        ('APARTMENTS_MODE', NUM),
        ('BASEMENTAREA_MODE', NUM),
        ('YEARS_BEGINEXPLUATATION_MODE', NUM),
        ('YEARS_BUILD_MODE', NUM),
        ('COMMONAREA_MODE', NUM),
        ('ELEVATORS_MODE', NUM),
        ('ENTRANCES_MODE', NUM),
        ('FLOORSMAX_MODE', NUM),
        ('FLOORSMIN_MODE', NUM),
        ('LANDAREA_MODE', NUM),
        ('LIVINGAPARTMENTS_MODE', NUM),
        ('LIVINGAREA_MODE', NUM),
        ('NONLIVINGAPARTMENTS_MODE', NUM),
        ('NONLIVINGAREA_MODE', NUM),
        ('APARTMENTS_MEDI', NUM),
        ('BASEMENTAREA_MEDI', NUM),
        ('YEARS_BEGINEXPLUATATION_MEDI', NUM),
        ('YEARS_BUILD_MEDI', NUM),
        ('COMMONAREA_MEDI', NUM),
        ('ELEVATORS_MEDI', NUM),
        ('ENTRANCES_MEDI', NUM),
        ('FLOORSMAX_MEDI', NUM),
        ('FLOORSMIN_MEDI', NUM),
        ('LANDAREA_MEDI', NUM),
        ('LIVINGAPARTMENTS_MEDI', NUM),
        ('LIVINGAREA_MEDI', NUM),
        ('NONLIVINGAPARTMENTS_MEDI', NUM),
        ('NONLIVINGAREA_MEDI', NUM),
        ('FONDKAPREMONT_MODE', CAT),
        ('HOUSETYPE_MODE', CAT),
        ('TOTALAREA_MODE', NUM),
        ('WALLSMATERIAL_MODE', CAT),
        ('EMERGENCYSTATE_MODE', CAT),
        ('OBS_30_CNT_SOCIAL_CIRCLE', NUM),
        ('DEF_30_CNT_SOCIAL_CIRCLE', NUM),
        ('OBS_60_CNT_SOCIAL_CIRCLE', NUM),
        ('DEF_60_CNT_SOCIAL_CIRCLE', NUM),
        ('DAYS_LAST_PHONE_CHANGE', NUM),
        ('FLAG_DOCUMENT_2', NUM),
        ('FLAG_DOCUMENT_3', NUM),
        ('FLAG_DOCUMENT_4', NUM),
        ('FLAG_DOCUMENT_5', NUM),
        ('FLAG_DOCUMENT_6', NUM),
        ('FLAG_DOCUMENT_7', NUM),
        ('FLAG_DOCUMENT_8', NUM),
        ('FLAG_DOCUMENT_9', NUM),
        ('FLAG_DOCUMENT_10', NUM),
        ('FLAG_DOCUMENT_11', NUM),
        ('FLAG_DOCUMENT_12', NUM),
        ('FLAG_DOCUMENT_13', NUM),
        ('FLAG_DOCUMENT_14', NUM),
        ('FLAG_DOCUMENT_15', NUM),
        ('FLAG_DOCUMENT_16', NUM),
        ('FLAG_DOCUMENT_17', NUM),
        ('FLAG_DOCUMENT_18', NUM),
        ('FLAG_DOCUMENT_19', NUM),
        ('FLAG_DOCUMENT_20', NUM),
        ('FLAG_DOCUMENT_21', NUM),
        ('AMT_REQ_CREDIT_BUREAU_HOUR', NUM),
        ('AMT_REQ_CREDIT_BUREAU_DAY', NUM),
        ('AMT_REQ_CREDIT_BUREAU_WEEK', NUM),
        ('AMT_REQ_CREDIT_BUREAU_MON', NUM),
        ('AMT_REQ_CREDIT_BUREAU_QRT', NUM),
        ('AMT_REQ_CREDIT_BUREAU_YEAR', NUM),
    ),
    'bureau': (
        ('SK_ID_CURR', KEY),
        ('SK_ID_BUREAU', KEY),
        ('CREDIT_ACTIVE', CAT),
        ('CREDIT_CURRENCY', CAT),
        ('DAYS_CREDIT', NUM),
        ('CREDIT_DAY_OVERDUE', NUM),
        ('DAYS_CREDIT_ENDDATE', NUM),
        ('DAYS_ENDDATE_FACT', NUM),
        ('AMT_CREDIT_MAX_OVERDUE', NUM),
        ('CNT_CREDIT_PROLONG', NUM),
        ('AMT_CREDIT_SUM', NUM),
        ('AMT_CREDIT_SUM_DEBT', NUM),
        ('AMT_CREDIT_SUM_LIMIT', NUM),
        ('AMT_CREDIT_SUM_OVERDUE', NUM),
        ('CREDIT_TYPE', CAT),
        ('DAYS_CREDIT_UPDATE', NUM),
        ('AMT_ANNUITY', NUM),
    ),
    'bureau_balance': (
        ('SK_ID_BUREAU', KEY),
        ('MONTHS_BALANCE', NUM),
        ('STATUS', CAT),
    ),
    'previous_application': (
        ('SK_ID_PREV', KEY),
        ('SK_ID_CURR', KEY),
        ('NAME_CONTRACT_TYPE', CAT),
        ('AMT_ANNUITY', NUM),
        ('AMT_APPLICATION', NUM),
        ('AMT_CREDIT', NUM),
        ('AMT_DOWN_PAYMENT', NUM),
        ('AMT_GOODS_PRICE', NUM),
        ('WEEKDAY_APPR_PROCESS_START', CAT),
        ('HOUR_APPR_PROCESS_START', NUM),
        ('FLAG_LAST_APPL_PER_CONTRACT', CAT),
        ('NFLAG_LAST_APPL_IN_DAY', NUM),
        ('RATE_DOWN_PAYMENT', NUM),
        ('RATE_INTEREST_PRIMARY', NUM),
        ('RATE_INTEREST_PRIVILEGED', NUM),
        ('NAME_CASH_LOAN_PURPOSE', CAT),
        ('NAME_CONTRACT_STATUS', CAT),
        ('DAYS_DECISION', NUM),
        ('NAME_PAYMENT_TYPE', CAT),
        ('CODE_REJECT_REASON', CAT),
        ('NAME_TYPE_SUITE', CAT),
        ('NAME_CLIENT_TYPE', CAT),
        ('NAME_GOODS_CATEGORY', CAT),
        ('NAME_PORTFOLIO', CAT),
        ('NAME_PRODUCT_TYPE', CAT),
        ('CHANNEL_TYPE', CAT),
        ('SELLERPLACE_AREA', NUM),
        ('NAME_SELLER_INDUSTRY', CAT),
        ('CNT_PAYMENT', NUM),
        ('NAME_YIELD_GROUP', CAT),
        ('PRODUCT_COMBINATION', CAT),
        ('DAYS_FIRST_DRAWING', NUM),
        ('DAYS_FIRST_DUE', NUM),
        ('DAYS_LAST_DUE_1ST_VERSION', NUM),
        ('DAYS_LAST_DUE', NUM),
        ('DAYS_TERMINATION', NUM),
        ('NFLAG_INSURED_ON_APPROVAL', NUM),
    ),
    'POS_CASH_balance': (
        ('SK_ID_PREV', KEY),
        ('SK_ID_CURR', KEY),
        ('MONTHS_BALANCE', NUM),
        ('CNT_INSTALMENT', NUM),
        ('CNT_INSTALMENT_FUTURE', NUM),
        ('NAME_CONTRACT_STATUS', CAT),
        ('SK_DPD', NUM),
        ('SK_DPD_DEF', NUM),
    ),
    'installments_payments': (
        ('SK_ID_PREV', KEY),
        ('SK_ID_CURR', KEY),
        ('NUM_INSTALMENT_VERSION', NUM),
        ('NUM_INSTALMENT_NUMBER', NUM),
        ('DAYS_INSTALMENT', NUM),
        ('DAYS_ENTRY_PAYMENT', NUM),
        ('AMT_INSTALMENT', NUM),
        ('AMT_PAYMENT', NUM),
    ),
    'credit_card_balance': (
        ('SK_ID_PREV', KEY),
        ('SK_ID_CURR', KEY),
        ('MONTHS_BALANCE', NUM),
        ('AMT_BALANCE', NUM),
        ('AMT_CREDIT_LIMIT_ACTUAL', NUM),
        ('AMT_DRAWINGS_ATM_CURRENT', NUM),
        ('AMT_DRAWINGS_CURRENT', NUM),
        ('AMT_DRAWINGS_OTHER_CURRENT', NUM),
        ('AMT_DRAWINGS_POS_CURRENT', NUM),
        ('AMT_INST_MIN_REGULARITY', NUM),
        ('AMT_PAYMENT_CURRENT', NUM),
        ('AMT_PAYMENT_TOTAL_CURRENT', NUM),
        ('AMT_RECEIVABLE_PRINCIPAL', NUM),
        ('AMT_RECIVABLE', NUM),
        ('AMT_TOTAL_RECEIVABLE', NUM),
        ('CNT_DRAWINGS_ATM_CURRENT', NUM),
        ('CNT_DRAWINGS_CURRENT', NUM),
        ('CNT_DRAWINGS_OTHER_CURRENT', NUM),
        ('CNT_DRAWINGS_POS_CURRENT', NUM),
        ('CNT_INSTALMENT_MATURE_CUM', NUM),
        ('NAME_CONTRACT_STATUS', CAT),
        ('SK_DPD', NUM),
        ('SK_DPD_DEF', NUM),
    ),
}


def _table(name: str, source: str, files: tuple[str, ...], pk: tuple[str, ...], idx: tuple[str, ...]) -> Table:
    columns = tuple(Column(n, k) for n, k in _COLUMNS[source])
    return Table(name=name, files=files, columns=columns, primary_key=pk, indexes=idx)


APPLICATION = _table(
    "application", "application", ("application_train.csv", "application_test.csv"), ("SK_ID_CURR",), ()
)
BUREAU = _table("bureau", "bureau", ("bureau.csv",), ("SK_ID_BUREAU",), ("SK_ID_CURR",))
BUREAU_BALANCE = _table("bureau_balance", "bureau_balance", ("bureau_balance.csv",), (), ("SK_ID_BUREAU",))
PREVIOUS_APPLICATION = _table(
    "previous_application", "previous_application", ("previous_application.csv",), ("SK_ID_PREV",), ("SK_ID_CURR",)
)
POS_CASH_BALANCE = _table("pos_cash_balance", "POS_CASH_balance", ("POS_CASH_balance.csv",), (), ("SK_ID_CURR",))
INSTALLMENTS_PAYMENTS = _table(
    "installments_payments", "installments_payments", ("installments_payments.csv",), (), ("SK_ID_CURR",)
)
CREDIT_CARD_BALANCE = _table(
    "credit_card_balance", "credit_card_balance", ("credit_card_balance.csv",), (), ("SK_ID_CURR",)
)

# Load order matters only for readability of progress output: clients first, then their history.
TABLES: tuple[Table, ...] = (
    APPLICATION,
    BUREAU,
    BUREAU_BALANCE,
    PREVIOUS_APPLICATION,
    POS_CASH_BALANCE,
    INSTALLMENTS_PAYMENTS,
    CREDIT_CARD_BALANCE,
)
TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
TABLE_BY_FILE: dict[str, Table] = {f: t for t in TABLES for f in t.files}
TRAIN_FILE, TEST_FILE = "application_train.csv", "application_test.csv"
