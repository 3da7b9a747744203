"""Roles and what each may change. Reading is governed by scope (scope.py), changing by role."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    FINANCE_MANAGER = "finance_manager", _("Finance manager")
    AR_CLERK = "ar_clerk", _("AR clerk")
    COLLECTOR = "collector", _("Collector")
    SALES_REP = "sales_rep", _("Sales rep")
    AUDITOR = "auditor", _("Auditor")


class Scope(models.TextChoices):
    OWN = "own", _("Own customers")
    TEAM = "team", _("Team's customers")
    COMPANY = "company", _("Whole company")
    GROUP = "group", _("Several companies")


class Perm(models.TextChoices):
    AUDIT_READ = "audit.read", _("Read and export the audit trail")
    CUSTOMER_CHANGE = "customer.change", _("Change customers")
    CONTRACT_CHANGE = "contract.change", _("Change contracts and plans")
    TERMS_CHANGE = "terms.change", _("Change payment terms templates")
    RECEIPT_CHANGE = "receipt.change", _("Record and reverse receipts")
    ALLOCATION_CHANGE = "allocation.change", _("Allocate and reverse allocations")
    ADJUSTMENT_CHANGE = "adjustment.change", _("Record credit notes and discounts")
    WRITE_OFF = "adjustment.write_off", _("Write off bad debts")
    PERIOD_CLOSE = "period.close", _("Close months")
    PERIOD_REOPEN = "period.reopen", _("Reopen closed months")
    # Who owns a customer or contract decides who sees it and whose targets it counts towards, so
    # handing records to someone else is for managers and finance, not for the reps themselves.
    OWNER_CHANGE = "owner.change", _("Assign customers and contracts to another owner")
    # What each owner should collect per month (回款目标) is set by finance, not by the reps whose
    # results it measures: finance managers and administrators (ALL_PERMS) hold it, nobody else.
    TARGET_CHANGE = "target.change", _("Set collection targets")
    # The thresholds of the risk alerts (风险预警) decide what the whole company is warned about:
    # finance managers and administrators (ALL_PERMS) set them, everyone else reads them.
    RISK_CHANGE = "risk.change", _("Set risk alert thresholds")
    # Dunning policies decide what every customer is sent: finance managers and administrators.
    DUNNING_POLICY_CHANGE = "dunning.policy", _("Set dunning policies and message templates")
    # A dunning fee or late-payment interest is owed only once finance confirms it
    FEE_CONFIRM = "dunning.fee", _("Confirm or cancel dunning fees and interest")
    # Logging contacts, promises and disputes, pausing a customer's dunning, resending a message
    COLLECTION_WORK = "dunning.work", _("Log follow-ups, promises and disputes")
    # Bank statements show every customer's payments and the company's own outgoings: finance only
    BANK_IMPORT = "bank.import", _("Import bank statements and match their lines")
    # Which accounts exist and how sure the engine must be to apply a match on its own
    BANK_ACCOUNT_CHANGE = "bank.account", _("Set up bank accounts and automatic matching")


ALL_PERMS = frozenset(Perm)
# Permissions to read, not change: a role holding only these is read-only.
READ_PERMS = frozenset({Perm.AUDIT_READ})

ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.ADMIN: ALL_PERMS,
    # Reopening a closed month changes figures already reported: a separate permission, which
    # only administrators hold by default.
    Role.FINANCE_MANAGER: ALL_PERMS - {Perm.PERIOD_REOPEN},
    Role.AR_CLERK: frozenset(
        {
            Perm.CUSTOMER_CHANGE,
            Perm.CONTRACT_CHANGE,
            Perm.RECEIPT_CHANGE,
            Perm.ALLOCATION_CHANGE,
            Perm.ADJUSTMENT_CHANGE,
            Perm.OWNER_CHANGE,
            Perm.COLLECTION_WORK,
            Perm.BANK_IMPORT,
        }
    ),
    Role.COLLECTOR: frozenset({Perm.COLLECTION_WORK}),
    Role.SALES_REP: frozenset(
        {Perm.CUSTOMER_CHANGE, Perm.CONTRACT_CHANGE, Perm.RECEIPT_CHANGE, Perm.ALLOCATION_CHANGE, Perm.COLLECTION_WORK}
    ),
    Role.AUDITOR: frozenset({Perm.AUDIT_READ}),
}

DEFAULT_SCOPE: dict[str, str] = {
    Role.ADMIN: Scope.GROUP,
    Role.FINANCE_MANAGER: Scope.COMPANY,
    Role.AR_CLERK: Scope.COMPANY,
    Role.COLLECTOR: Scope.COMPANY,
    Role.SALES_REP: Scope.OWN,
    Role.AUDITOR: Scope.COMPANY,
}
