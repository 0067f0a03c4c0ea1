"""The feature catalogue: the one declaration of every model feature.

Training (CatBoost column order), scoring, request validation, explanation labels and the dashboard
all read this tuple; the pipeline in `build.py` must produce exactly these columns in this order.
Labels are our own plain-language wording (not the data set's dictionary).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import partial

from credit_core.features._format import format_value

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
    label_fr: str
    label_en: str
    unit: str  # one of UNITS; "percent" values are fractions (0.18 -> "18 %")
    actionable: bool  # an advisor can change it with the client (amount, payment, term, goods price)
    higher_is: str = ""  # "risk" | "safety" | "": wording hint for explanations
    description_fr: str = ""
    description_en: str = ""

    @property
    def is_categorical(self) -> bool:
        return self.kind == "categorical"

    def label(self, lang: str) -> str:
        return self.label_fr if lang == "fr" else self.label_en

    def description(self, lang: str) -> str:
        return self.description_fr if lang == "fr" else self.description_en


def _num(
    group: str, name: str, unit: str, fr: str, en: str, higher: str = "", *, actionable: bool = False,
    desc_fr: str = "", desc_en: str = "", context: tuple[str, str] = ("", ""),
) -> Feature:  # fmt: skip
    """A numeric feature; `context` is appended to both labels (e.g. which history it comes from)."""
    label_fr, label_en = f"{fr} {context[0]}".strip(), f"{en} {context[1]}".strip()
    return Feature(name, group, "numeric", label_fr, label_en, unit, actionable, higher, desc_fr, desc_en)


def _cat(group: str, name: str, fr: str, en: str) -> Feature:
    return Feature(name, group, "categorical", fr, en, "category", False)


_app = partial(_num, "application")


def _building(name: str, fr: str, en: str) -> Feature:
    return _app(
        name, "index", f"Immeuble : {fr}", f"Building: {en}",
        desc_fr="Indice normalisé (0 à 1) décrivant l'immeuble où vit le client.",
        desc_en="Normalised index (0 to 1) describing the building where the client lives.",
    )  # fmt: skip


APPLICATION: tuple[Feature, ...] = (
    # The loan itself: what an advisor can adjust with the client.
    _app("AMT_CREDIT", "currency", "Montant du crédit", "Credit amount", actionable=True),
    _app("AMT_ANNUITY", "currency", "Montant de l'échéance", "Payment amount (annuity)", actionable=True),
    _app("AMT_GOODS_PRICE", "currency", "Prix du bien financé", "Price of the goods financed", actionable=True),
    _app("CREDIT_TO_INCOME", "ratio", "Crédit rapporté au revenu", "Credit relative to income", "risk", actionable=True,
         desc_fr="Montant du crédit divisé par le revenu déclaré.",
         desc_en="Credit amount divided by declared income."),
    _app("ANNUITY_TO_INCOME", "percent", "Taux d'effort (échéance / revenu)", "Payment-to-income ratio", "risk",
         actionable=True, desc_fr="Part du revenu absorbée par l'échéance du crédit.",
         desc_en="Share of income taken by the loan payment."),
    _app("ANNUITY_TO_CREDIT", "percent", "Échéance rapportée au crédit", "Payment as a share of the credit",
         actionable=True,
         desc_fr="Plus elle est élevée, plus le crédit est remboursé vite.",
         desc_en="The higher it is, the faster the credit is repaid."),
    _app("CREDIT_TERM", "count", "Durée implicite (nombre d'échéances)", "Implied term (number of payments)",
         actionable=True,
         desc_fr="Montant du crédit divisé par l'échéance : le nombre de paiements nécessaires.",
         desc_en="Credit amount divided by the payment: how many payments it takes."),
    _app("GOODS_TO_CREDIT", "percent", "Prix du bien rapporté au crédit", "Goods price relative to the credit",
         actionable=True),
    _app("CREDIT_OVER_GOODS", "currency", "Crédit au-delà du prix du bien", "Credit above the goods price", "risk",
         actionable=True, desc_fr="Part du crédit qui ne finance pas le bien lui-même (frais, assurance…).",
         desc_en="Part of the credit not financing the goods themselves (fees, insurance…)."),
    _app("GOODS_TO_INCOME", "ratio", "Prix du bien rapporté au revenu", "Goods price relative to income",
         actionable=True),
    _cat("application", "NAME_CONTRACT_TYPE", "Type de crédit (espèces ou renouvelable)",
         "Loan type (cash or revolving)"),
    # External scores: the strongest single signals.
    _app("EXT_SOURCE_1", "score", "Score externe 1", "External score 1", "safety",
         desc_fr="Score normalisé (0 à 1) fourni par une source externe.",
         desc_en="Normalised score (0 to 1) from an external source."),
    _app("EXT_SOURCE_2", "score", "Score externe 2", "External score 2", "safety"),
    _app("EXT_SOURCE_3", "score", "Score externe 3", "External score 3", "safety"),
    _app("EXT_SOURCE_MEAN", "score", "Moyenne des scores externes", "Average external score", "safety"),
    _app("EXT_SOURCE_MIN", "score", "Plus faible score externe", "Lowest external score", "safety"),
    _app("EXT_SOURCE_MAX", "score", "Plus haut score externe", "Highest external score", "safety"),
    _app("EXT_SOURCE_STD", "score", "Écart entre les scores externes", "Spread of the external scores"),
    _app("EXT_SOURCE_PROD", "score", "Produit des scores externes", "Product of the external scores", "safety"),
    _app("EXT_SOURCE_WEIGHTED", "score", "Score externe pondéré", "Weighted external score", "safety",
         desc_fr="Moyenne des scores externes disponibles, les scores 2 et 3 comptant double.",
         desc_en="Average of the available external scores, scores 2 and 3 counting twice."),
    _app("EXT_SOURCE_MISSING", "count", "Scores externes manquants", "Missing external scores"),
    # The person.
    _app("AGE_YEARS", "years", "Âge", "Age"),
    _cat("application", "CODE_GENDER", "Sexe", "Sex"),
    _cat("application", "NAME_FAMILY_STATUS", "Situation familiale", "Family status"),
    _app("CNT_CHILDREN", "count", "Nombre d'enfants", "Number of children"),
    _app("CNT_FAM_MEMBERS", "count", "Taille du foyer", "Household size"),
    _cat("application", "NAME_EDUCATION_TYPE", "Niveau d'études", "Education level"),
    _cat("application", "NAME_TYPE_SUITE", "Accompagnant lors de la demande", "Accompanied by (at application)"),
    # Income and work.
    _app("AMT_INCOME_TOTAL", "currency", "Revenu déclaré", "Declared income", "safety"),
    _app("INCOME_PER_PERSON", "currency", "Revenu par membre du foyer", "Income per household member", "safety"),
    _cat("application", "NAME_INCOME_TYPE", "Source de revenus", "Income source"),
    _cat("application", "OCCUPATION_TYPE", "Profession", "Occupation"),
    _cat("application", "ORGANIZATION_TYPE", "Secteur de l'employeur", "Employer sector"),
    _app("YEARS_EMPLOYED", "years", "Ancienneté dans l'emploi actuel", "Years in current job", "safety"),
    _app("EMPLOYMENT_UNKNOWN", "flag", "Pas d'emploi salarié déclaré", "No current job on file",
         desc_fr="Aucune date d'embauche (retraité, sans emploi…).",
         desc_en="No hiring date on file (pensioner, unemployed…)."),
    _app("EMPLOYED_TO_AGE", "percent", "Part de la vie passée dans l'emploi actuel", "Share of life in current job",
         "safety"),
    # Assets and housing.
    _cat("application", "FLAG_OWN_CAR", "Possède une voiture", "Owns a car"),
    _app("OWN_CAR_AGE", "years", "Âge de la voiture", "Age of the car"),
    _cat("application", "FLAG_OWN_REALTY", "Propriétaire d'un logement", "Owns a home"),
    _cat("application", "NAME_HOUSING_TYPE", "Type de logement", "Housing situation"),
    _building("APARTMENTS_AVG", "taille des appartements", "apartment size"),
    _building("BASEMENTAREA_AVG", "surface du sous-sol", "basement area"),
    _building("YEARS_BEGINEXPLUATATION_AVG", "durée d'exploitation", "years in use"),
    _building("YEARS_BUILD_AVG", "âge du bâtiment", "age of the building"),
    _building("COMMONAREA_AVG", "parties communes", "common areas"),
    _building("ELEVATORS_AVG", "ascenseurs", "elevators"),
    _building("ENTRANCES_AVG", "entrées", "entrances"),
    _building("FLOORSMAX_AVG", "étages (maximum)", "floors (maximum)"),
    _building("FLOORSMIN_AVG", "étages (minimum)", "floors (minimum)"),
    _building("LANDAREA_AVG", "surface du terrain", "land area"),
    _building("LIVINGAPARTMENTS_AVG", "logements habités", "lived-in apartments"),
    _building("LIVINGAREA_AVG", "surface habitable", "living area"),
    _building("NONLIVINGAPARTMENTS_AVG", "locaux non habités", "non-residential units"),
    _building("NONLIVINGAREA_AVG", "surface non habitable", "non-living area"),
    _building("TOTALAREA_MODE", "surface totale", "total area"),
    _cat("application", "FONDKAPREMONT_MODE", "Immeuble : fonds de travaux", "Building: repair fund"),
    _cat("application", "HOUSETYPE_MODE", "Immeuble : type", "Building: type"),
    _cat("application", "WALLSMATERIAL_MODE", "Immeuble : matériau des murs", "Building: wall material"),
    _cat("application", "EMERGENCYSTATE_MODE", "Immeuble : état d'urgence", "Building: emergency state"),
    # Where the client lives and works.
    _app("REGION_POPULATION_RELATIVE", "index", "Densité de population de la région", "Population of the region",
         desc_fr="Indice normalisé : plus il est élevé, plus la région est peuplée.",
         desc_en="Normalised index: the higher, the more populated the region."),
    _app("REGION_RATING_CLIENT", "count", "Note de la région (1 à 3)", "Region rating (1 to 3)", "risk"),
    _app("REGION_RATING_CLIENT_W_CITY", "count", "Note de la région et de la ville (1 à 3)",
         "Region and city rating (1 to 3)", "risk"),
    _app("REG_REGION_NOT_LIVE_REGION", "flag", "Vit hors de sa région d'enregistrement",
         "Lives outside registration region", "risk"),
    _app("REG_REGION_NOT_WORK_REGION", "flag", "Travaille hors de sa région d'enregistrement",
         "Works outside registration region", "risk"),
    _app("LIVE_REGION_NOT_WORK_REGION", "flag", "Travaille hors de sa région de résidence",
         "Works outside home region", "risk"),
    _app("REG_CITY_NOT_LIVE_CITY", "flag", "Vit hors de sa ville d'enregistrement", "Lives outside registration city",
         "risk"),
    _app("REG_CITY_NOT_WORK_CITY", "flag", "Travaille hors de sa ville d'enregistrement",
         "Works outside registration city", "risk"),
    _app("LIVE_CITY_NOT_WORK_CITY", "flag", "Travaille hors de sa ville de résidence", "Works outside home city",
         "risk"),
    _app("REGION_MISMATCH_COUNT", "count", "Adresses non concordantes", "Address mismatches", "risk",
         desc_fr="Nombre d'écarts entre adresse d'enregistrement, de contact et de travail.",
         desc_en="Number of mismatches between registered, contact and work addresses."),
    # The application file.
    _app("YEARS_REGISTRATION", "years", "Ancienneté de l'enregistrement", "Years since registration change"),
    _app("YEARS_ID_PUBLISH", "years", "Ancienneté de la pièce d'identité", "Age of the identity document", "safety"),
    _app("PHONE_CHANGE_DAYS_AGO", "days", "Jours depuis le changement de téléphone", "Days since phone change"),
    _app("FLAG_EMP_PHONE", "flag", "Téléphone professionnel fourni", "Work phone given"),
    _app("FLAG_WORK_PHONE", "flag", "Téléphone fixe fourni", "Home phone given"),
    _app("FLAG_PHONE", "flag", "Autre téléphone fourni", "Other phone given"),
    _app("FLAG_EMAIL", "flag", "Adresse e-mail fournie", "E-mail given"),
    _app("FLAG_DOCUMENT_3", "flag", "Justificatif n° 3 fourni", "Document no. 3 given"),
    _app("DOCUMENT_COUNT", "count", "Justificatifs fournis", "Documents given"),
    _app("MISSING_COUNT", "count", "Champs du dossier non renseignés", "Blank fields in the application",
         desc_fr="Nombre d'informations absentes du dossier de demande.",
         desc_en="How many pieces of information are missing from the application."),
    _cat("application", "WEEKDAY_APPR_PROCESS_START", "Jour de la demande", "Day of the application"),
    _app("HOUR_APPR_PROCESS_START", "hour", "Heure de la demande", "Hour of the application"),
    _app("AMT_REQ_CREDIT_BUREAU_MON", "count", "Consultations du bureau de crédit (mois précédent)",
         "Credit-bureau enquiries (previous month)", "risk"),
    _app("AMT_REQ_CREDIT_BUREAU_QRT", "count", "Consultations du bureau de crédit (trimestre précédent)",
         "Credit-bureau enquiries (previous quarter)", "risk"),
    _app("AMT_REQ_CREDIT_BUREAU_YEAR", "count", "Consultations du bureau de crédit (année précédente)",
         "Credit-bureau enquiries (previous year)", "risk"),
    _app("BUREAU_REQUESTS_TOTAL", "count", "Consultations du bureau de crédit sur un an",
         "Credit-bureau enquiries over a year", "risk",
         desc_fr="Nombre de fois où un prêteur a consulté le dossier du client dans l'année.",
         desc_en="How many times lenders looked up the client's file during the year."),
    _app("OBS_30_CNT_SOCIAL_CIRCLE", "count", "Proches suivis (retards de 30 jours)",
         "Acquaintances tracked (30-day delays)"),
    _app("DEF_30_CNT_SOCIAL_CIRCLE", "count", "Proches en défaut (retards de 30 jours)",
         "Acquaintances in default (30-day delays)", "risk"),
    _app("OBS_60_CNT_SOCIAL_CIRCLE", "count", "Proches suivis (retards de 60 jours)",
         "Acquaintances tracked (60-day delays)"),
    _app("DEF_60_CNT_SOCIAL_CIRCLE", "count", "Proches en défaut (retards de 60 jours)",
         "Acquaintances in default (60-day delays)", "risk"),
)  # fmt: skip

_bur = partial(_num, "bureau", context=("(autres organismes)", "(other lenders)"))
_WORST_FR = "0 = à l'heure, 1 = jusqu'à 30 jours de retard … 5 = plus de 120 jours ou créance passée en perte."
_WORST_EN = "0 = on time, 1 = up to 30 days late … 5 = over 120 days late or written off."

BUREAU: tuple[Feature, ...] = (
    _bur("BUREAU_COUNT", "count", "Crédits déclarés", "Reported credits",
         desc_fr="Crédits déclarés au bureau de crédit, en cours ou terminés.",
         desc_en="Credits reported to the credit bureau, open or closed."),
    _bur("BUREAU_ACTIVE_COUNT", "count", "Crédits en cours", "Open credits", "risk"),
    _bur("BUREAU_ACTIVE_SHARE", "percent", "Part des crédits encore en cours", "Share of credits still open", "risk"),
    _bur("BUREAU_BAD_DEBT_COUNT", "count", "Crédits cédés ou passés en perte", "Credits sold or written off", "risk"),
    _bur("BUREAU_CARD_COUNT", "count", "Cartes de crédit", "Credit cards"),
    _bur("BUREAU_MICROLOAN_COUNT", "count", "Microcrédits", "Microloans", "risk"),
    _bur("BUREAU_SECURED_COUNT", "count", "Crédits auto ou immobiliers", "Car loans and mortgages", "safety"),
    _bur("BUREAU_CREDIT_TYPE_COUNT", "count", "Types de crédit différents", "Distinct credit types"),
    _bur("BUREAU_COUNT_1Y", "count", "Crédits ouverts sur 12 mois", "Credits opened in the last 12 months", "risk"),
    _bur("BUREAU_CREDIT_SUM_1Y", "currency", "Montant emprunté sur 12 mois", "Amount borrowed in the last 12 months",
         "risk"),
    _bur("BUREAU_FIRST_CREDIT_DAYS_AGO", "days", "Ancienneté du premier crédit", "Days since the first credit",
         "safety"),
    _bur("BUREAU_LAST_CREDIT_DAYS_AGO", "days", "Jours depuis le dernier crédit ouvert",
         "Days since the latest credit", "safety"),
    _bur("BUREAU_CREDIT_AGE_MEAN_DAYS", "days", "Ancienneté moyenne des crédits", "Average age of the credits"),
    _bur("BUREAU_ACTIVE_END_DAYS_MAX", "days", "Jours avant la fin du dernier crédit en cours",
         "Days until the last open credit ends"),
    _bur("BUREAU_ACTIVE_END_DAYS_MEAN", "days", "Durée restante moyenne des crédits en cours",
         "Average time left on open credits"),
    _bur("BUREAU_EARLY_CLOSE_DAYS_MEAN", "days", "Avance moyenne de clôture des crédits",
         "Average days closed ahead of schedule", "safety",
         desc_fr="Nombre moyen de jours entre la clôture réelle d'un crédit et sa fin prévue.",
         desc_en="Average number of days between a credit's actual closing and its planned end."),
    _bur("BUREAU_CREDIT_SUM", "currency", "Montant total des crédits", "Total amount of the credits"),
    _bur("BUREAU_CREDIT_MEAN", "currency", "Montant moyen d'un crédit", "Average credit amount"),
    _bur("BUREAU_CREDIT_MAX", "currency", "Plus gros crédit", "Largest credit"),
    _bur("BUREAU_ACTIVE_CREDIT_SUM", "currency", "Montant des crédits en cours", "Amount of open credits"),
    _bur("BUREAU_ACTIVE_DEBT_SUM", "currency", "Reste dû", "Debt still owed",
         "risk"),
    _bur("BUREAU_DEBT_MAX", "currency", "Plus grosse dette sur un crédit", "Largest debt on one credit", "risk"),
    _bur("BUREAU_ACTIVE_DEBT_TO_CREDIT", "percent", "Part restant due des crédits en cours",
         "Share still owed on open credits", "risk"),
    _bur("BUREAU_ACTIVE_DEBT_TO_INCOME", "ratio", "Reste dû rapporté au revenu", "Debt owed relative to income",
         "risk", desc_fr="Dette restante chez d'autres prêteurs divisée par le revenu déclaré.",
         desc_en="Debt still owed to other lenders divided by declared income."),
    _bur("BUREAU_ACTIVE_LIMIT_SUM", "currency", "Plafonds des cartes en cours", "Limits of open cards"),
    _bur("BUREAU_ACTIVE_ANNUITY_SUM", "currency", "Échéances des crédits en cours", "Payments on open credits",
         "risk"),
    _bur("BUREAU_OVERDUE_SUM", "currency", "Montant actuellement impayé", "Amount currently overdue", "risk"),
    _bur("BUREAU_MAX_OVERDUE_AMT", "currency", "Plus gros impayé passé", "Largest past overdue amount", "risk"),
    _bur("BUREAU_DAY_OVERDUE_MAX", "days", "Plus long retard en cours", "Longest current delay", "risk"),
    _bur("BUREAU_OVERDUE_COUNT", "count", "Crédits actuellement en retard", "Credits currently overdue", "risk"),
    _bur("BUREAU_PROLONG_SUM", "count", "Prolongations de crédit", "Credit extensions", "risk"),
    _bur("BUREAU_BAL_MONTHS", "months", "Mois d'historique mensuel", "Months of monthly history"),
    _bur("BUREAU_BAL_WORST_STATUS", "count", "Pire niveau de retard, de 0 à 5", "Worst delay level, 0 to 5", "risk",
         desc_fr=_WORST_FR, desc_en=_WORST_EN),
    _bur("BUREAU_BAL_WORST_STATUS_12M", "count", "Pire niveau de retard sur 12 mois, de 0 à 5",
         "Worst delay level in the last 12 months, 0 to 5", "risk", desc_fr=_WORST_FR, desc_en=_WORST_EN),
    _bur("BUREAU_BAL_LATE_SHARE", "percent", "Part des mois en retard", "Share of months in arrears", "risk"),
    _bur("BUREAU_BAL_LATE_MONTHS_12M", "months", "Mois en retard sur 12 mois", "Months in arrears, last 12 months",
         "risk"),
    _bur("BUREAU_BAL_LATE_SHARE_12M", "percent", "Part des mois en retard sur 12 mois",
         "Share of months in arrears, last 12 months", "risk"),
    _bur("BUREAU_BAL_EVER_LATE_COUNT", "count", "Crédits ayant connu un retard", "Credits ever in arrears", "risk"),
)  # fmt: skip


_prev = partial(_num, "previous")

PREVIOUS: tuple[Feature, ...] = (
    _prev("PREV_COUNT", "count", "Demandes précédentes chez nous", "Previous applications with us"),
    _prev("PREV_APPROVED_COUNT", "count", "Demandes précédentes acceptées", "Previous applications approved"),
    _prev("PREV_REFUSED_COUNT", "count", "Demandes précédentes refusées", "Previous applications refused", "risk"),
    _prev("PREV_CANCELED_COUNT", "count", "Demandes précédentes annulées", "Previous applications cancelled"),
    _prev("PREV_APPROVED_SHARE", "percent", "Part des demandes acceptées", "Share of applications approved",
          "safety"),
    _prev("PREV_REFUSED_SHARE", "percent", "Part des demandes refusées", "Share of applications refused", "risk"),
    _prev("PREV_COUNT_1Y", "count", "Demandes sur 12 mois", "Applications in the last 12 months"),
    _prev("PREV_REFUSED_COUNT_1Y", "count", "Refus sur 12 mois", "Refusals in the last 12 months", "risk"),
    _prev("PREV_LAST_DECISION_DAYS_AGO", "days", "Jours depuis la dernière demande",
          "Days since the last application"),
    _prev("PREV_FIRST_DECISION_DAYS_AGO", "days", "Jours depuis la première demande",
          "Days since the first application", "safety"),
    _prev("PREV_LAST_REFUSAL_DAYS_AGO", "days", "Jours depuis le dernier refus", "Days since the last refusal",
          "safety"),
    _prev("PREV_LAST_APPROVAL_DAYS_AGO", "days", "Jours depuis la dernière acceptation",
          "Days since the last approval"),
    _cat("previous", "PREV_LAST_STATUS", "Issue de la dernière demande", "Outcome of the last application"),
    _cat("previous", "PREV_LAST_CONTRACT_TYPE", "Type de la dernière demande", "Type of the last application"),
    _cat("previous", "PREV_LAST_REJECT_REASON", "Motif de refus de la dernière demande",
         "Refusal reason of the last application"),
    _prev("PREV_LAST_AMT_CREDIT", "currency", "Montant accordé à la dernière demande",
          "Amount granted on the last application"),
    _prev("PREV_AMT_APPLICATION_MEAN", "currency", "Montant demandé moyen", "Average amount asked"),
    _prev("PREV_AMT_CREDIT_MEAN", "currency", "Montant accordé moyen", "Average amount granted"),
    _prev("PREV_AMT_CREDIT_MAX", "currency", "Plus gros montant accordé", "Largest amount granted"),
    _prev("PREV_APPROVED_CREDIT_SUM", "currency", "Total des crédits accordés", "Total credit granted"),
    _prev("PREV_AMT_ANNUITY_MEAN", "currency", "Échéance moyenne des demandes précédentes",
          "Average payment on previous applications"),
    _prev("PREV_AMT_ANNUITY_MAX", "currency", "Plus grosse échéance précédente", "Largest previous payment"),
    _prev("PREV_ASKED_TO_GRANTED_MEAN", "ratio", "Montant demandé / accordé (moyenne)",
          "Amount asked vs granted (average)", "risk",
          desc_fr="Au-dessus de 1 : le client a obtenu moins que ce qu'il demandait.",
          desc_en="Above 1: the client got less than asked for."),
    _prev("PREV_ASKED_TO_GRANTED_MAX", "ratio", "Montant demandé / accordé (maximum)",
          "Amount asked vs granted (maximum)", "risk"),
    _prev("PREV_DOWN_PAYMENT_MEAN", "currency", "Apport personnel moyen", "Average down payment", "safety"),
    _prev("PREV_DOWN_PAYMENT_RATE_MEAN", "percent", "Taux d'apport moyen", "Average down-payment rate", "safety"),
    _prev("PREV_GOODS_PRICE_MEAN", "currency", "Prix moyen des biens financés", "Average price of goods financed"),
    _prev("PREV_CNT_PAYMENT_MEAN", "count", "Durée moyenne des crédits précédents (échéances)",
          "Average term of previous credits (payments)"),
    _prev("PREV_CNT_PAYMENT_MAX", "count", "Durée la plus longue (échéances)", "Longest term (payments)"),
    _prev("PREV_COST_SHARE_MEAN", "percent", "Coût moyen des crédits précédents", "Average cost of previous credits",
          desc_fr="Total des échéances rapporté au montant accordé, moins 100 %.",
          desc_en="All payments relative to the amount granted, minus 100%."),
    _prev("PREV_ACTIVE_COUNT", "count", "Crédits en cours chez nous", "Loans being repaid with us"),
    _prev("PREV_ACTIVE_ANNUITY_SUM", "currency", "Échéances en cours chez nous", "Current payments on our loans",
          "risk"),
    _prev("PREV_ACTIVE_ANNUITY_TO_INCOME", "percent", "Échéances en cours chez nous / revenu",
          "Current payments with us relative to income", "risk"),
    _prev("PREV_ACTIVE_END_DAYS_MAX", "days", "Jours avant la fin de notre dernier crédit en cours",
          "Days until our last open loan ends"),
    _prev("PREV_EARLY_END_DAYS_MEAN", "days", "Avance moyenne de fin des crédits",
          "Average days ended ahead of schedule", "safety"),
    _prev("PREV_HIGH_YIELD_SHARE", "percent", "Part des crédits à taux élevé", "Share of high-rate loans", "risk"),
    _prev("PREV_X_SELL_SHARE", "percent", "Part des offres proposées par nous", "Share of offers made by us"),
    _prev("PREV_INSURED_SHARE", "percent", "Part des crédits assurés", "Share of insured loans"),
)  # fmt: skip

_1Y_FR, _1Y_EN = "sur 12 mois", "in the last 12 months"


_inst = partial(_num, "installments")

INSTALLMENTS: tuple[Feature, ...] = (
    _inst("INST_COUNT", "count", "Échéances passées chez nous", "Past instalments with us"),
    _inst("INST_LOAN_COUNT", "count", "Crédits avec historique de remboursement", "Loans with repayment history"),
    _inst("INST_DELAY_MEAN", "days", "Retard moyen de paiement", "Average payment delay", "risk",
          desc_fr="Jours entre la date d'échéance et le paiement ; négatif = payé en avance.",
          desc_en="Days between due date and payment; negative = paid early."),
    _inst("INST_DELAY_MAX", "days", "Plus long retard de paiement", "Longest payment delay", "risk"),
    _inst("INST_LATE_SHARE", "percent", "Part des échéances payées en retard", "Share of instalments paid late",
          "risk"),
    _inst("INST_LATE_COUNT", "count", "Échéances payées en retard", "Instalments paid late", "risk"),
    _inst("INST_VERY_LATE_SHARE", "percent", "Part des échéances payées à plus de 30 jours",
          "Share paid more than 30 days late", "risk"),
    _inst("INST_EARLY_DAYS_MEAN", "days", "Avance moyenne de paiement", "Average days paid in advance", "safety"),
    _inst("INST_SHORTFALL_SUM", "currency", "Total des montants non payés", "Total amount left unpaid", "risk"),
    _inst("INST_SHORTFALL_MEAN", "currency", "Impayé moyen par échéance", "Average unpaid amount per instalment",
          "risk"),
    _inst("INST_UNDERPAID_SHARE", "percent", "Part des échéances payées partiellement",
          "Share of instalments underpaid", "risk"),
    _inst("INST_UNPAID_COUNT", "count", "Échéances sans aucun paiement", "Instalments with no payment", "risk"),
    _inst("INST_PAID_RATIO", "percent", "Part des sommes dues effectivement payée", "Share of amounts due paid",
          "safety"),
    _inst("INST_AMT_MEAN", "currency", "Montant moyen d'une échéance", "Average instalment amount"),
    _inst("INST_LAST_DUE_DAYS_AGO", "days", "Jours depuis la dernière échéance", "Days since the last instalment"),
    _inst("INST_LAST_PAYMENT_DAYS_AGO", "days", "Jours depuis le dernier paiement", "Days since the last payment"),
    _inst("INST_COUNT_1Y", "count", f"Échéances {_1Y_FR}", f"Instalments {_1Y_EN}"),
    _inst("INST_DELAY_MEAN_1Y", "days", f"Retard moyen {_1Y_FR}", f"Average delay {_1Y_EN}", "risk"),
    _inst("INST_DELAY_MAX_1Y", "days", f"Plus long retard {_1Y_FR}", f"Longest delay {_1Y_EN}", "risk"),
    _inst("INST_LATE_SHARE_1Y", "percent", f"Part payée en retard {_1Y_FR}", f"Share paid late {_1Y_EN}", "risk"),
    _inst("INST_UNDERPAID_SHARE_1Y", "percent", f"Part payée partiellement {_1Y_FR}", f"Share underpaid {_1Y_EN}",
          "risk"),
    _inst("INST_SHORTFALL_SUM_1Y", "currency", f"Montants non payés {_1Y_FR}", f"Amount left unpaid {_1Y_EN}",
          "risk"),
    _inst("INST_PAID_RATIO_1Y", "percent", f"Part des sommes dues payée {_1Y_FR}", f"Share of amounts paid {_1Y_EN}",
          "safety"),
)  # fmt: skip

_pos = partial(_num, "pos", context=("(magasin / espèces)", "(store / cash)"))
_DPD_DEF_FR = "Retards en ignorant les très petits montants dus."
_DPD_DEF_EN = "Delays ignoring very small amounts owed."

POS: tuple[Feature, ...] = (
    _pos("POS_LOAN_COUNT", "count", "Crédits suivis", "Loans on record"),
    _pos("POS_MONTHS", "months", "Mois d'historique", "Months of history"),
    _pos("POS_COMPLETED_COUNT", "count", "Crédits terminés", "Loans completed", "safety"),
    _pos("POS_ACTIVE_COUNT", "count", "Crédits en cours", "Loans still running"),
    _pos("POS_REMAINING_INSTALMENTS_SUM", "count", "Échéances restant à payer", "Instalments still to pay"),
    _pos("POS_REMAINING_SHARE_MEAN", "percent", "Part restant à rembourser", "Share of the term still to run"),
    _pos("POS_TERM_MEAN", "count", "Durée moyenne en échéances", "Average term in instalments"),
    _pos("POS_LAST_MONTH_AGO", "months", "Mois depuis le dernier relevé", "Months since the latest statement"),
    _pos("POS_DPD_MAX", "days", "Plus long retard", "Longest delay", "risk"),
    _pos("POS_DPD_DEF_MAX", "days", "Plus long retard significatif", "Longest significant delay", "risk",
         desc_fr=_DPD_DEF_FR, desc_en=_DPD_DEF_EN),
    _pos("POS_DPD_MAX_12M", "days", f"Plus long retard {_1Y_FR}", f"Longest delay {_1Y_EN}", "risk"),
    _pos("POS_DPD_MEAN", "days", "Retard moyen par mois", "Average delay per month", "risk"),
    _pos("POS_DPD_DEF_MEAN", "days", "Retard significatif moyen par mois", "Average significant delay per month",
         "risk", desc_fr=_DPD_DEF_FR, desc_en=_DPD_DEF_EN),
    _pos("POS_LATE_SHARE", "percent", "Part des mois en retard", "Share of months in arrears", "risk"),
    _pos("POS_LATE_DEF_SHARE", "percent", "Part des mois en retard significatif",
         "Share of months in significant arrears", "risk", desc_fr=_DPD_DEF_FR, desc_en=_DPD_DEF_EN),
    _pos("POS_LATE_SHARE_12M", "percent", f"Part des mois en retard {_1Y_FR}", f"Share of months in arrears {_1Y_EN}",
         "risk"),
)  # fmt: skip


_card = partial(_num, "card")

CARD: tuple[Feature, ...] = (
    _card("CC_MONTHS", "months", "Mois d'historique de carte de crédit", "Months of credit-card history"),
    _card("CC_CARD_COUNT", "count", "Cartes de crédit chez nous", "Credit cards with us"),
    _card("CC_BALANCE_MEAN", "currency", "Solde moyen de la carte", "Average card balance"),
    _card("CC_BALANCE_MAX", "currency", "Solde le plus élevé de la carte", "Highest card balance"),
    _card("CC_BALANCE_MEAN_3M", "currency", "Solde de la carte sur 3 mois", "Card balance, last 3 months"),
    _card("CC_LIMIT_MEAN", "currency", "Plafond moyen de la carte", "Average card limit"),
    _card("CC_LIMIT_MAX", "currency", "Plafond le plus élevé", "Highest card limit"),
    _card("CC_LIMIT_TO_INCOME", "ratio", "Plafond de carte rapporté au revenu", "Card limit relative to income"),
    _card("CC_UTIL_MEAN", "percent", "Utilisation moyenne du plafond", "Average use of the card limit", "risk",
          desc_fr="Solde de la carte divisé par son plafond, en moyenne sur les mois.",
          desc_en="Card balance divided by its limit, averaged over months."),
    _card("CC_UTIL_MAX", "percent", "Utilisation maximale du plafond", "Highest use of the card limit", "risk"),
    _card("CC_UTIL_MEAN_3M", "percent", "Utilisation du plafond sur 3 mois", "Use of the limit, last 3 months",
          "risk"),
    _card("CC_UTIL_MEAN_12M", "percent", f"Utilisation du plafond {_1Y_FR}", f"Use of the limit {_1Y_EN}", "risk"),
    _card("CC_OVER_LIMIT_MONTHS", "months", "Mois au-dessus du plafond", "Months over the limit", "risk"),
    _card("CC_DRAWINGS_MEAN", "currency", "Dépenses mensuelles moyennes sur la carte",
          "Average monthly card spending"),
    _card("CC_DRAWINGS_MEAN_12M", "currency", f"Dépenses mensuelles moyennes {_1Y_FR}",
          f"Average monthly spending {_1Y_EN}"),
    _card("CC_ATM_DRAWINGS_MEAN", "currency", "Retraits d'espèces mensuels moyens", "Average monthly cash withdrawals",
          "risk"),
    _card("CC_DRAWINGS_COUNT_MEAN", "count", "Opérations par mois sur la carte", "Card transactions per month"),
    _card("CC_PAYMENT_MEAN", "currency", "Remboursement mensuel moyen de la carte", "Average monthly card repayment"),
    _card("CC_PAID_TO_MIN_MEAN", "ratio", "Remboursement rapporté au minimum exigé",
          "Repayment relative to the required minimum", "safety"),
    _card("CC_BELOW_MIN_SHARE", "percent", "Part des mois sous le minimum exigé",
          "Share of months below the minimum payment", "risk"),
    _card("CC_BELOW_MIN_SHARE_12M", "percent", f"Part des mois sous le minimum {_1Y_FR}",
          f"Share of months below the minimum {_1Y_EN}", "risk"),
    _card("CC_DPD_MAX", "days", "Plus long retard sur la carte", "Longest card delay", "risk"),
    _card("CC_DPD_DEF_MAX", "days", "Plus long retard significatif sur la carte", "Longest significant card delay",
          "risk", desc_fr=_DPD_DEF_FR, desc_en=_DPD_DEF_EN),
    _card("CC_DPD_MAX_12M", "days", f"Plus long retard sur la carte {_1Y_FR}", f"Longest card delay {_1Y_EN}",
          "risk"),
    _card("CC_LATE_SHARE", "percent", "Part des mois en retard sur la carte", "Share of months in arrears on the card",
          "risk"),
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
    "format_value",
]
