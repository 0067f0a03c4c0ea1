"""The feature catalogue: the one declaration of every model feature.

Training (CatBoost column order), scoring, request validation, explanation labels and the dashboard
all read this tuple; the pipeline in `build.py` must produce exactly these columns in this order.
Labels are our own plain-language wording (not the data set's dictionary), in English: each label and
description is a gettext message id, and its translations live in the web's catalogues (`.po`), so adding a
language adds a catalogue and changes nothing here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial

# Bump whenever a formula changes without changing names/kinds/order (the hash would not notice).
FORMULA_VERSION = "1"

GROUPS = ("application", "bureau", "previous", "installments", "pos", "card")
UNITS = (
    "currency", "days", "years", "months", "ratio", "percent", "count", "score", "index", "category", "flag", "hour",
)  # fmt: skip


@dataclass(frozen=True)
class Feature:
    name: str
    group: str  # one of GROUPS
    kind: str  # "numeric" | "categorical"
    label: str  # English: the message id of its translations
    unit: str  # one of UNITS; "percent" values are fractions (0.18 -> "18 %")
    actionable: bool  # an advisor can change it with the client (amount, payment, term, goods price)
    higher_is: str = ""  # "risk" | "safety" | "": wording hint for explanations
    description: str = ""  # English, as `label`

    @property
    def is_categorical(self) -> bool:
        return self.kind == "categorical"


def _num(
    group: str, name: str, unit: str, label: str, higher: str = "", *, actionable: bool = False,
    description: str = "", context: str = "",
) -> Feature:  # fmt: skip
    """A numeric feature; `context` is appended to its label (e.g. which history it comes from)."""
    return Feature(name, group, "numeric", f"{label} {context}".strip(), unit, actionable, higher, description)


def _cat(group: str, name: str, label: str) -> Feature:
    return Feature(name, group, "categorical", label, "category", False)


_app = partial(_num, "application")


def _building(name: str, en: str) -> Feature:
    return _app(name, "index", f"Building: {en}",
                description="Normalised index (0 to 1) describing the building where the client lives.")


APPLICATION: tuple[Feature, ...] = (
    # The loan itself: what an advisor can adjust with the client.
    _app("AMT_CREDIT", "currency", "Credit amount", actionable=True),
    _app("AMT_ANNUITY", "currency", "Payment amount (annuity)", actionable=True),
    _app("AMT_GOODS_PRICE", "currency", "Price of the goods financed", actionable=True),
    _app("CREDIT_TO_INCOME", "ratio", "Credit relative to income", "risk", actionable=True,
         description="Credit amount divided by declared income."),
    _app("ANNUITY_TO_INCOME", "percent", "Payment-to-income ratio", "risk", actionable=True,
         description="Share of income taken by the loan payment."),
    _app("ANNUITY_TO_CREDIT", "percent", "Payment as a share of the credit", actionable=True,
         description="The higher it is, the faster the credit is repaid."),
    _app("CREDIT_TERM", "count", "Implied term (number of payments)", actionable=True,
         description="Credit amount divided by the payment: how many payments it takes."),
    _app("GOODS_TO_CREDIT", "percent", "Goods price relative to the credit", actionable=True),
    _app("CREDIT_OVER_GOODS", "currency", "Credit above the goods price", "risk", actionable=True,
         description="Part of the credit not financing the goods themselves (fees, insurance…)."),
    _app("GOODS_TO_INCOME", "ratio", "Goods price relative to income", actionable=True),
    _cat("application", "NAME_CONTRACT_TYPE", "Loan type (cash or revolving)"),
    # External scores: the strongest single signals.
    _app("EXT_SOURCE_1", "score", "External score 1", "safety",
         description="Normalised score (0 to 1) from an external source."),
    _app("EXT_SOURCE_2", "score", "External score 2", "safety"),
    _app("EXT_SOURCE_3", "score", "External score 3", "safety"),
    _app("EXT_SOURCE_MEAN", "score", "Average external score", "safety"),
    _app("EXT_SOURCE_MIN", "score", "Lowest external score", "safety"),
    _app("EXT_SOURCE_MAX", "score", "Highest external score", "safety"),
    _app("EXT_SOURCE_STD", "score", "Spread of the external scores"),
    _app("EXT_SOURCE_PROD", "score", "Product of the external scores", "safety"),
    _app("EXT_SOURCE_WEIGHTED", "score", "Weighted external score", "safety",
         description="Average of the available external scores, scores 2 and 3 counting twice."),
    _app("EXT_SOURCE_MISSING", "count", "Missing external scores"),
    # The person.
    _app("AGE_YEARS", "years", "Age"),
    _cat("application", "CODE_GENDER", "Sex"),
    _cat("application", "NAME_FAMILY_STATUS", "Family status"),
    _app("CNT_CHILDREN", "count", "Number of children"),
    _app("CNT_FAM_MEMBERS", "count", "Household size"),
    _cat("application", "NAME_EDUCATION_TYPE", "Education level"),
    _cat("application", "NAME_TYPE_SUITE", "Accompanied by (at application)"),
    # Income and work.
    _app("AMT_INCOME_TOTAL", "currency", "Declared income", "safety"),
    _app("INCOME_PER_PERSON", "currency", "Income per household member", "safety"),
    _cat("application", "NAME_INCOME_TYPE", "Income source"),
    _cat("application", "OCCUPATION_TYPE", "Occupation"),
    _cat("application", "ORGANIZATION_TYPE", "Employer sector"),
    _app("YEARS_EMPLOYED", "years", "Years in current job", "safety"),
    _app("EMPLOYMENT_UNKNOWN", "flag", "No current job on file",
         description="No hiring date on file (pensioner, unemployed…)."),
    _app("EMPLOYED_TO_AGE", "percent", "Share of life in current job", "safety"),
    # Assets and housing.
    _cat("application", "FLAG_OWN_CAR", "Owns a car"),
    _app("OWN_CAR_AGE", "years", "Age of the car"),
    _cat("application", "FLAG_OWN_REALTY", "Owns a home"),
    _cat("application", "NAME_HOUSING_TYPE", "Housing situation"),
    _building("APARTMENTS_AVG", "apartment size"),
    _building("BASEMENTAREA_AVG", "basement area"),
    _building("YEARS_BEGINEXPLUATATION_AVG", "years in use"),
    _building("YEARS_BUILD_AVG", "age of the building"),
    _building("COMMONAREA_AVG", "common areas"),
    _building("ELEVATORS_AVG", "elevators"),
    _building("ENTRANCES_AVG", "entrances"),
    _building("FLOORSMAX_AVG", "floors (maximum)"),
    _building("FLOORSMIN_AVG", "floors (minimum)"),
    _building("LANDAREA_AVG", "land area"),
    _building("LIVINGAPARTMENTS_AVG", "lived-in apartments"),
    _building("LIVINGAREA_AVG", "living area"),
    _building("NONLIVINGAPARTMENTS_AVG", "non-residential units"),
    _building("NONLIVINGAREA_AVG", "non-living area"),
    _building("TOTALAREA_MODE", "total area"),
    _cat("application", "FONDKAPREMONT_MODE", "Building: repair fund"),
    _cat("application", "HOUSETYPE_MODE", "Building: type"),
    _cat("application", "WALLSMATERIAL_MODE", "Building: wall material"),
    _cat("application", "EMERGENCYSTATE_MODE", "Building: emergency state"),
    # Where the client lives and works.
    _app("REGION_POPULATION_RELATIVE", "index", "Population of the region",
         description="Normalised index: the higher, the more populated the region."),
    _app("REGION_RATING_CLIENT", "count", "Region rating (1 to 3)", "risk"),
    _app("REGION_RATING_CLIENT_W_CITY", "count", "Region and city rating (1 to 3)", "risk"),
    _app("REG_REGION_NOT_LIVE_REGION", "flag", "Lives outside registration region", "risk"),
    _app("REG_REGION_NOT_WORK_REGION", "flag", "Works outside registration region", "risk"),
    _app("LIVE_REGION_NOT_WORK_REGION", "flag", "Works outside home region", "risk"),
    _app("REG_CITY_NOT_LIVE_CITY", "flag", "Lives outside registration city", "risk"),
    _app("REG_CITY_NOT_WORK_CITY", "flag", "Works outside registration city", "risk"),
    _app("LIVE_CITY_NOT_WORK_CITY", "flag", "Works outside home city", "risk"),
    _app("REGION_MISMATCH_COUNT", "count", "Address mismatches", "risk",
         description="Number of mismatches between registered, contact and work addresses."),
    # The application file.
    _app("YEARS_REGISTRATION", "years", "Years since registration change"),
    _app("YEARS_ID_PUBLISH", "years", "Age of the identity document", "safety"),
    _app("PHONE_CHANGE_DAYS_AGO", "days", "Days since phone change"),
    _app("FLAG_EMP_PHONE", "flag", "Work phone given"),
    _app("FLAG_WORK_PHONE", "flag", "Home phone given"),
    _app("FLAG_PHONE", "flag", "Other phone given"),
    _app("FLAG_EMAIL", "flag", "E-mail given"),
    _app("FLAG_DOCUMENT_3", "flag", "Document no. 3 given"),
    _app("DOCUMENT_COUNT", "count", "Documents given"),
    _app("MISSING_COUNT", "count", "Blank fields in the application",
         description="How many pieces of information are missing from the application."),
    _cat("application", "WEEKDAY_APPR_PROCESS_START", "Day of the application"),
    _app("HOUR_APPR_PROCESS_START", "hour", "Hour of the application"),
    _app("AMT_REQ_CREDIT_BUREAU_MON", "count", "Credit-bureau enquiries (previous month)", "risk"),
    _app("AMT_REQ_CREDIT_BUREAU_QRT", "count", "Credit-bureau enquiries (previous quarter)", "risk"),
    _app("AMT_REQ_CREDIT_BUREAU_YEAR", "count", "Credit-bureau enquiries (previous year)", "risk"),
    _app("BUREAU_REQUESTS_TOTAL", "count", "Credit-bureau enquiries over a year", "risk",
         description="How many times lenders looked up the client's file during the year."),
    _app("OBS_30_CNT_SOCIAL_CIRCLE", "count", "Acquaintances tracked (30-day delays)"),
    _app("DEF_30_CNT_SOCIAL_CIRCLE", "count", "Acquaintances in default (30-day delays)", "risk"),
    _app("OBS_60_CNT_SOCIAL_CIRCLE", "count", "Acquaintances tracked (60-day delays)"),
    _app("DEF_60_CNT_SOCIAL_CIRCLE", "count", "Acquaintances in default (60-day delays)", "risk"),
)  # fmt: skip

_bur = partial(_num, "bureau", context="(other lenders)")
_WORST_EN = "0 = on time, 1 = up to 30 days late … 5 = over 120 days late or written off."

BUREAU: tuple[Feature, ...] = (
    _bur("BUREAU_COUNT", "count", "Reported credits",
         description="Credits reported to the credit bureau, open or closed."),
    _bur("BUREAU_ACTIVE_COUNT", "count", "Open credits", "risk"),
    _bur("BUREAU_ACTIVE_SHARE", "percent", "Share of credits still open", "risk"),
    _bur("BUREAU_BAD_DEBT_COUNT", "count", "Credits sold or written off", "risk"),
    _bur("BUREAU_CARD_COUNT", "count", "Credit cards"),
    _bur("BUREAU_MICROLOAN_COUNT", "count", "Microloans", "risk"),
    _bur("BUREAU_SECURED_COUNT", "count", "Car loans and mortgages", "safety"),
    _bur("BUREAU_CREDIT_TYPE_COUNT", "count", "Distinct credit types"),
    _bur("BUREAU_COUNT_1Y", "count", "Credits opened in the last 12 months", "risk"),
    _bur("BUREAU_CREDIT_SUM_1Y", "currency", "Amount borrowed in the last 12 months", "risk"),
    _bur("BUREAU_FIRST_CREDIT_DAYS_AGO", "days", "Days since the first credit", "safety"),
    _bur("BUREAU_LAST_CREDIT_DAYS_AGO", "days", "Days since the latest credit", "safety"),
    _bur("BUREAU_CREDIT_AGE_MEAN_DAYS", "days", "Average age of the credits"),
    _bur("BUREAU_ACTIVE_END_DAYS_MAX", "days", "Days until the last open credit ends"),
    _bur("BUREAU_ACTIVE_END_DAYS_MEAN", "days", "Average time left on open credits"),
    _bur("BUREAU_EARLY_CLOSE_DAYS_MEAN", "days", "Average days closed ahead of schedule", "safety",
         description="Average number of days between a credit's actual closing and its planned end."),
    _bur("BUREAU_CREDIT_SUM", "currency", "Total amount of the credits"),
    _bur("BUREAU_CREDIT_MEAN", "currency", "Average credit amount"),
    _bur("BUREAU_CREDIT_MAX", "currency", "Largest credit"),
    _bur("BUREAU_ACTIVE_CREDIT_SUM", "currency", "Amount of open credits"),
    _bur("BUREAU_ACTIVE_DEBT_SUM", "currency", "Debt still owed", "risk"),
    _bur("BUREAU_DEBT_MAX", "currency", "Largest debt on one credit", "risk"),
    _bur("BUREAU_ACTIVE_DEBT_TO_CREDIT", "percent", "Share still owed on open credits", "risk"),
    _bur("BUREAU_ACTIVE_DEBT_TO_INCOME", "ratio", "Debt owed relative to income", "risk",
         description="Debt still owed to other lenders divided by declared income."),
    _bur("BUREAU_ACTIVE_LIMIT_SUM", "currency", "Limits of open cards"),
    _bur("BUREAU_ACTIVE_ANNUITY_SUM", "currency", "Payments on open credits", "risk"),
    _bur("BUREAU_OVERDUE_SUM", "currency", "Amount currently overdue", "risk"),
    _bur("BUREAU_MAX_OVERDUE_AMT", "currency", "Largest past overdue amount", "risk"),
    _bur("BUREAU_DAY_OVERDUE_MAX", "days", "Longest current delay", "risk"),
    _bur("BUREAU_OVERDUE_COUNT", "count", "Credits currently overdue", "risk"),
    _bur("BUREAU_PROLONG_SUM", "count", "Credit extensions", "risk"),
    _bur("BUREAU_BAL_MONTHS", "months", "Months of monthly history"),
    _bur("BUREAU_BAL_WORST_STATUS", "count", "Worst delay level, 0 to 5", "risk", description=_WORST_EN),
    _bur("BUREAU_BAL_WORST_STATUS_12M", "count", "Worst delay level in the last 12 months, 0 to 5", "risk",
         description=_WORST_EN),
    _bur("BUREAU_BAL_LATE_SHARE", "percent", "Share of months in arrears", "risk"),
    _bur("BUREAU_BAL_LATE_MONTHS_12M", "months", "Months in arrears, last 12 months", "risk"),
    _bur("BUREAU_BAL_LATE_SHARE_12M", "percent", "Share of months in arrears, last 12 months", "risk"),
    _bur("BUREAU_BAL_EVER_LATE_COUNT", "count", "Credits ever in arrears", "risk"),
)  # fmt: skip


_prev = partial(_num, "previous")

PREVIOUS: tuple[Feature, ...] = (
    _prev("PREV_COUNT", "count", "Previous applications with us"),
    _prev("PREV_APPROVED_COUNT", "count", "Previous applications approved"),
    _prev("PREV_REFUSED_COUNT", "count", "Previous applications refused", "risk"),
    _prev("PREV_CANCELED_COUNT", "count", "Previous applications cancelled"),
    _prev("PREV_APPROVED_SHARE", "percent", "Share of applications approved", "safety"),
    _prev("PREV_REFUSED_SHARE", "percent", "Share of applications refused", "risk"),
    _prev("PREV_COUNT_1Y", "count", "Applications in the last 12 months"),
    _prev("PREV_REFUSED_COUNT_1Y", "count", "Refusals in the last 12 months", "risk"),
    _prev("PREV_LAST_DECISION_DAYS_AGO", "days", "Days since the last application"),
    _prev("PREV_FIRST_DECISION_DAYS_AGO", "days", "Days since the first application", "safety"),
    _prev("PREV_LAST_REFUSAL_DAYS_AGO", "days", "Days since the last refusal", "safety"),
    _prev("PREV_LAST_APPROVAL_DAYS_AGO", "days", "Days since the last approval"),
    _cat("previous", "PREV_LAST_STATUS", "Outcome of the last application"),
    _cat("previous", "PREV_LAST_CONTRACT_TYPE", "Type of the last application"),
    _cat("previous", "PREV_LAST_REJECT_REASON", "Refusal reason of the last application"),
    _prev("PREV_LAST_AMT_CREDIT", "currency", "Amount granted on the last application"),
    _prev("PREV_AMT_APPLICATION_MEAN", "currency", "Average amount asked"),
    _prev("PREV_AMT_CREDIT_MEAN", "currency", "Average amount granted"),
    _prev("PREV_AMT_CREDIT_MAX", "currency", "Largest amount granted"),
    _prev("PREV_APPROVED_CREDIT_SUM", "currency", "Total credit granted"),
    _prev("PREV_AMT_ANNUITY_MEAN", "currency", "Average payment on previous applications"),
    _prev("PREV_AMT_ANNUITY_MAX", "currency", "Largest previous payment"),
    _prev("PREV_ASKED_TO_GRANTED_MEAN", "ratio", "Amount asked vs granted (average)", "risk",
          description="Above 1: the client got less than asked for."),
    _prev("PREV_ASKED_TO_GRANTED_MAX", "ratio", "Amount asked vs granted (maximum)", "risk"),
    _prev("PREV_DOWN_PAYMENT_MEAN", "currency", "Average down payment", "safety"),
    _prev("PREV_DOWN_PAYMENT_RATE_MEAN", "percent", "Average down-payment rate", "safety"),
    _prev("PREV_GOODS_PRICE_MEAN", "currency", "Average price of goods financed"),
    _prev("PREV_CNT_PAYMENT_MEAN", "count", "Average term of previous credits (payments)"),
    _prev("PREV_CNT_PAYMENT_MAX", "count", "Longest term (payments)"),
    _prev("PREV_COST_SHARE_MEAN", "percent", "Average cost of previous credits",
          description="All payments relative to the amount granted, minus 100%."),
    _prev("PREV_ACTIVE_COUNT", "count", "Loans being repaid with us"),
    _prev("PREV_ACTIVE_ANNUITY_SUM", "currency", "Current payments on our loans", "risk"),
    _prev("PREV_ACTIVE_ANNUITY_TO_INCOME", "percent", "Current payments with us relative to income", "risk"),
    _prev("PREV_ACTIVE_END_DAYS_MAX", "days", "Days until our last open loan ends"),
    _prev("PREV_EARLY_END_DAYS_MEAN", "days", "Average days ended ahead of schedule", "safety"),
    _prev("PREV_HIGH_YIELD_SHARE", "percent", "Share of high-rate loans", "risk"),
    _prev("PREV_X_SELL_SHARE", "percent", "Share of offers made by us"),
    _prev("PREV_INSURED_SHARE", "percent", "Share of insured loans"),
)  # fmt: skip

_1Y_EN = "in the last 12 months"


_inst = partial(_num, "installments")

INSTALLMENTS: tuple[Feature, ...] = (
    _inst("INST_COUNT", "count", "Past instalments with us"),
    _inst("INST_LOAN_COUNT", "count", "Loans with repayment history"),
    _inst("INST_DELAY_MEAN", "days", "Average payment delay", "risk",
          description="Days between due date and payment; negative = paid early."),
    _inst("INST_DELAY_MAX", "days", "Longest payment delay", "risk"),
    _inst("INST_LATE_SHARE", "percent", "Share of instalments paid late", "risk"),
    _inst("INST_LATE_COUNT", "count", "Instalments paid late", "risk"),
    _inst("INST_VERY_LATE_SHARE", "percent", "Share paid more than 30 days late", "risk"),
    _inst("INST_EARLY_DAYS_MEAN", "days", "Average days paid in advance", "safety"),
    _inst("INST_SHORTFALL_SUM", "currency", "Total amount left unpaid", "risk"),
    _inst("INST_SHORTFALL_MEAN", "currency", "Average unpaid amount per instalment", "risk"),
    _inst("INST_UNDERPAID_SHARE", "percent", "Share of instalments underpaid", "risk"),
    _inst("INST_UNPAID_COUNT", "count", "Instalments with no payment", "risk"),
    _inst("INST_PAID_RATIO", "percent", "Share of amounts due paid", "safety"),
    _inst("INST_AMT_MEAN", "currency", "Average instalment amount"),
    _inst("INST_LAST_DUE_DAYS_AGO", "days", "Days since the last instalment"),
    _inst("INST_LAST_PAYMENT_DAYS_AGO", "days", "Days since the last payment"),
    _inst("INST_COUNT_1Y", "count", f"Instalments {_1Y_EN}"),
    _inst("INST_DELAY_MEAN_1Y", "days", f"Average delay {_1Y_EN}", "risk"),
    _inst("INST_DELAY_MAX_1Y", "days", f"Longest delay {_1Y_EN}", "risk"),
    _inst("INST_LATE_SHARE_1Y", "percent", f"Share paid late {_1Y_EN}", "risk"),
    _inst("INST_UNDERPAID_SHARE_1Y", "percent", f"Share underpaid {_1Y_EN}", "risk"),
    _inst("INST_SHORTFALL_SUM_1Y", "currency", f"Amount left unpaid {_1Y_EN}", "risk"),
    _inst("INST_PAID_RATIO_1Y", "percent", f"Share of amounts paid {_1Y_EN}", "safety"),
)  # fmt: skip

_pos = partial(_num, "pos", context="(store / cash)")
_DPD_DEF_EN = "Delays ignoring very small amounts owed."

POS: tuple[Feature, ...] = (
    _pos("POS_LOAN_COUNT", "count", "Loans on record"),
    _pos("POS_MONTHS", "months", "Months of history"),
    _pos("POS_COMPLETED_COUNT", "count", "Loans completed", "safety"),
    _pos("POS_ACTIVE_COUNT", "count", "Loans still running"),
    _pos("POS_REMAINING_INSTALMENTS_SUM", "count", "Instalments still to pay"),
    _pos("POS_REMAINING_SHARE_MEAN", "percent", "Share of the term still to run"),
    _pos("POS_TERM_MEAN", "count", "Average term in instalments"),
    _pos("POS_LAST_MONTH_AGO", "months", "Months since the latest statement"),
    _pos("POS_DPD_MAX", "days", "Longest delay", "risk"),
    _pos("POS_DPD_DEF_MAX", "days", "Longest significant delay", "risk", description=_DPD_DEF_EN),
    _pos("POS_DPD_MAX_12M", "days", f"Longest delay {_1Y_EN}", "risk"),
    _pos("POS_DPD_MEAN", "days", "Average delay per month", "risk"),
    _pos("POS_DPD_DEF_MEAN", "days", "Average significant delay per month", "risk", description=_DPD_DEF_EN),
    _pos("POS_LATE_SHARE", "percent", "Share of months in arrears", "risk"),
    _pos("POS_LATE_DEF_SHARE", "percent", "Share of months in significant arrears", "risk", description=_DPD_DEF_EN),
    _pos("POS_LATE_SHARE_12M", "percent", f"Share of months in arrears {_1Y_EN}", "risk"),
)  # fmt: skip


_card = partial(_num, "card")

CARD: tuple[Feature, ...] = (
    _card("CC_MONTHS", "months", "Months of credit-card history"),
    _card("CC_CARD_COUNT", "count", "Credit cards with us"),
    _card("CC_BALANCE_MEAN", "currency", "Average card balance"),
    _card("CC_BALANCE_MAX", "currency", "Highest card balance"),
    _card("CC_BALANCE_MEAN_3M", "currency", "Card balance, last 3 months"),
    _card("CC_LIMIT_MEAN", "currency", "Average card limit"),
    _card("CC_LIMIT_MAX", "currency", "Highest card limit"),
    _card("CC_LIMIT_TO_INCOME", "ratio", "Card limit relative to income"),
    _card("CC_UTIL_MEAN", "percent", "Average use of the card limit", "risk",
          description="Card balance divided by its limit, averaged over months."),
    _card("CC_UTIL_MAX", "percent", "Highest use of the card limit", "risk"),
    _card("CC_UTIL_MEAN_3M", "percent", "Use of the limit, last 3 months", "risk"),
    _card("CC_UTIL_MEAN_12M", "percent", f"Use of the limit {_1Y_EN}", "risk"),
    _card("CC_OVER_LIMIT_MONTHS", "months", "Months over the limit", "risk"),
    _card("CC_DRAWINGS_MEAN", "currency", "Average monthly card spending"),
    _card("CC_DRAWINGS_MEAN_12M", "currency", f"Average monthly spending {_1Y_EN}"),
    _card("CC_ATM_DRAWINGS_MEAN", "currency", "Average monthly cash withdrawals", "risk"),
    _card("CC_DRAWINGS_COUNT_MEAN", "count", "Card transactions per month"),
    _card("CC_PAYMENT_MEAN", "currency", "Average monthly card repayment"),
    _card("CC_PAID_TO_MIN_MEAN", "ratio", "Repayment relative to the required minimum", "safety"),
    _card("CC_BELOW_MIN_SHARE", "percent", "Share of months below the minimum payment", "risk"),
    _card("CC_BELOW_MIN_SHARE_12M", "percent", f"Share of months below the minimum {_1Y_EN}", "risk"),
    _card("CC_DPD_MAX", "days", "Longest card delay", "risk"),
    _card("CC_DPD_DEF_MAX", "days", "Longest significant card delay", "risk", description=_DPD_DEF_EN),
    _card("CC_DPD_MAX_12M", "days", f"Longest card delay {_1Y_EN}", "risk"),
    _card("CC_LATE_SHARE", "percent", "Share of months in arrears on the card", "risk"),
)  # fmt: skip

CATALOGUE: tuple[Feature, ...] = APPLICATION + BUREAU + PREVIOUS + INSTALLMENTS + POS + CARD
FEATURES_BY_NAME: dict[str, Feature] = {f.name: f for f in CATALOGUE}
FEATURE_NAMES: list[str] = [f.name for f in CATALOGUE]
CATEGORICAL_FEATURES: list[str] = [f.name for f in CATALOGUE if f.is_categorical]
NUMERIC_FEATURES: list[str] = [f.name for f in CATALOGUE if not f.is_categorical]


def _version() -> str:
    layout = "\n".join(f"{f.name}:{f.kind}" for f in CATALOGUE)
    return f"fs{FORMULA_VERSION}-{hashlib.sha256(layout.encode()).hexdigest()[:12]}"


FEATURE_SET_VERSION: str = _version()

__all__ = [
    "CATALOGUE",
    "CATEGORICAL_FEATURES",
    "FEATURES_BY_NAME",
    "FEATURE_NAMES",
    "FEATURE_SET_VERSION",
    "FORMULA_VERSION",
    "GROUPS",
    "NUMERIC_FEATURES",
    "UNITS",
    "Feature",
]
