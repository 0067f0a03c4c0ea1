"""Words chosen by code at run time (a role, a group, which service is down): marked for extraction here,
translated where they are shown (`_(words.roles[role])` in a template)."""

from __future__ import annotations

from credit_web.i18n import N_

roles = {"advisor": N_("advisor"), "admin": N_("administrator")}
groups = {
    "application": N_("Loan application"),
    "bureau": N_("Credits with other lenders"),
    "previous": N_("Previous applications with us"),
    "installments": N_("Past repayments"),
    "pos": N_("Point-of-sale loans"),
    "card": N_("Credit cards"),
    "other": N_("Other"),
}
SERVICE_DOWN_NOTICE = {
    "scoring": N_("The scoring service is temporarily unavailable: the score cannot be shown. Try again in a moment."),
    "explain": N_("The explanation service is temporarily unavailable: explanations are not shown."),
    "database": N_("The database is temporarily unavailable."),
}
BACKEND_DOWN = {
    "scoring": N_("The scoring service is unavailable: no decision can be shown right now."),
    "explain": N_("The explanation service is unavailable: explanations cannot be shown right now."),
}
