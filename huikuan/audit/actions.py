"""Every audit action, with the label people read (the stored value is the code)."""

from __future__ import annotations

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CUSTOMER_CREATED = "customer.created", _("Customer created")
    CUSTOMER_UPDATED = "customer.updated", _("Customer changed")
    CUSTOMER_OWNER_CHANGED = "customer.owner_changed", _("Customer handed to another owner")
    TERMS_CREATED = "terms.created", _("Payment terms template created")
    TERMS_UPDATED = "terms.updated", _("Payment terms template changed")
    CONTRACT_CREATED = "contract.created", _("Contract created")
    CONTRACT_UPDATED = "contract.updated", _("Contract changed")
    CONTRACT_OWNER_CHANGED = "contract.owner_changed", _("Contract handed to another owner")
    CONTRACT_PLAN_APPLIED = "contract.plan_applied", _("Plan generated from a template")
    CONTRACT_PLAN_ENTERED = "contract.plan_entered", _("Plan entered")
    CONTRACT_ACTIVATED = "contract.activated", _("Contract activated")
    CONTRACT_TERMINATED = "contract.terminated", _("Contract terminated")
    CONTRACT_CANCELLED = "contract.cancelled", _("Contract cancelled")
    MILESTONE_RECORDED = "milestone.recorded", _("Milestone recorded")
    RECEIPT_CREATED = "receipt.created", _("Receipt recorded")
    RECEIPT_REVERSED = "receipt.reversed", _("Receipt reversed")
    ALLOCATION_CREATED = "allocation.created", _("Receipt allocated")
    ALLOCATION_REVERSED = "allocation.reversed", _("Allocation reversed")
    ADJUSTMENT_CREDIT_NOTE = "adjustment.credit_note", _("Credit note recorded")
    ADJUSTMENT_DISCOUNT = "adjustment.discount", _("Discount recorded")
    ADJUSTMENT_WRITE_OFF = "adjustment.write_off", _("Bad debt written off")
    ADJUSTMENT_REVERSED = "adjustment.reversed", _("Adjustment reversed")
    PERIOD_CLOSED = "period.closed", _("Month closed")
    PERIOD_REOPENED = "period.reopened", _("Closed month reopened")
    TARGET_SET = "target.set", _("Collection target set")
    RISK_THRESHOLDS_SET = "risk.thresholds_set", _("Risk alert thresholds set")
    DUNNING_RUN = "dunning.run", _("Daily dunning run")
    DUNNING_POLICY_SAVED = "dunning.policy_saved", _("Dunning policy saved")
    CUSTOMER_DUNNING_SET = "customer.dunning_set", _("Customer's dunning settings changed")
    FOLLOW_UP_LOGGED = "dunning.follow_up", _("Follow-up logged")
    PROMISE_RECORDED = "dunning.promise", _("Promise to pay recorded")
    PROMISE_CANCELLED = "dunning.promise_cancelled", _("Promise to pay cancelled")
    DISPUTE_OPENED = "dunning.dispute_opened", _("Dispute opened")
    DISPUTE_RESOLVED = "dunning.dispute_resolved", _("Dispute resolved")
    TASK_DONE = "dunning.task_done", _("Collection task done")
    DUNNING_FEE_CONFIRMED = "dunning.fee_confirmed", _("Dunning fee confirmed")
    DUNNING_FEE_CANCELLED = "dunning.fee_cancelled", _("Dunning fee waived")
    MESSAGE_RESENT = "dunning.message_resent", _("Message queued again")
    MESSAGE_TEMPLATE_SAVED = "dunning.template_saved", _("Message template saved")
    BANK_ACCOUNT_CREATED = "bank.account_created", _("Bank account added")
    BANK_ACCOUNT_UPDATED = "bank.account_updated", _("Bank account changed")
    BANK_MAPPING_SAVED = "bank.mapping_saved", _("Bank file columns set")
    BANK_STATEMENT_IMPORTED = "bank.statement_imported", _("Bank statement imported")
    BANK_LINE_MATCHED = "bank.line_matched", _("Bank line matched")
    BANK_LINE_UNMATCHED = "bank.line_unmatched", _("Bank line match undone")
    BANK_LINE_IGNORED = "bank.line_ignored", _("Bank line ignored")
    BANK_LINE_REOPENED = "bank.line_reopened", _("Bank line reopened")
    BANK_PROPOSAL_REJECTED = "bank.proposal_rejected", _("Bank line proposal rejected")
    CUSTOMER_CREDIT_HOLD = "customer.credit_hold", _("Customer put on credit hold")
    AUTH_LOCKED_OUT = "auth.locked_out", _("Sign-in locked after repeated failures")
    ADMIN_ADDED = "admin.added", _("Added in the administration")
    ADMIN_CHANGED = "admin.changed", _("Changed in the administration")
    ADMIN_DELETED = "admin.deleted", _("Deleted in the administration")


_LABELS: dict[str, Promise] = {str(value): label for value, label in AuditAction.choices}


def action_label(action: str) -> str | Promise:
    """The translated label of an action; an action without one yet shows as its code."""
    return _LABELS.get(action, action)
