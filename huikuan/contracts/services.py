"""Contracts and their payment plans: create, plan (by template or by hand), activate, record
milestones, terminate, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.owners import check_owner, owner_change_data
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import lock_visible, require, require_company
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.contracts import month_totals
from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.errors import ContractErrorCode
from huikuan.contracts.models import Contract, Installment, Milestone
from huikuan.core import compiled, money, rows
from huikuan.core.dates import (
    date_from_sql,
    require_business_date,
    require_not_future,
    require_offset_days,
    require_offset_months,
    require_order,
    today,
)
from huikuan.core.errors import DomainError, require_reason
from huikuan.core.numbering import assign_number
from huikuan.customers.models import Customer, CustomerStatus
from huikuan.periods.services import open_date
from huikuan.terms.choices import MilestoneKind
from huikuan.terms.models import PaymentTerms
from huikuan.terms.schedule import PlannedInstallment, build_schedule, due_after_milestone
from huikuan.terms.services import terms_lines

DRAFT_FIELDS = ("title", "signed_on", "starts_on", "ends_on", "currency", "amount", "vat_rate", "owner", "notes")
ACTIVE_FIELDS = ("title", "ends_on", "owner", "notes")
BOOKED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.TERMINATED)


def _locked(contract: Contract, actor: User) -> Contract:
    return lock_visible(Contract, actor, contract.pk, related=("customer", "company"))


def _check_values(values: dict[str, Any], *, currency: str) -> dict[str, Any]:
    if "title" in values:
        values["title"] = (values["title"] or "").strip()
        if not values["title"]:
            raise DomainError(ContractErrorCode.TITLE_REQUIRED, _("Give the contract a title."), field="title")
    if "currency" in values:
        money.validate_currency(values["currency"])
        currency = values["currency"]
    if "amount" in values:
        values["amount"] = money.validate_amount(values["amount"], currency)
    if "vat_rate" in values and not (Decimal(0) <= values["vat_rate"] < 1):
        raise DomainError(
            ContractErrorCode.INVALID_VAT_RATE,
            _("The VAT rate is a fraction from 0 to below 1, e.g. 0.13."),
            field="vat_rate",
        )
    return values


def _check_dates(contract: Contract) -> None:
    for field in ("signed_on", "starts_on", "ends_on"):
        require_business_date(getattr(contract, field), field=field)
    require_order(
        contract.starts_on, contract.ends_on, field="ends_on", message=_("The contract cannot end before it starts.")
    )
    require_order(
        contract.signed_on, contract.ends_on, field="ends_on", message=_("The contract cannot end before it is signed.")
    )


@transaction.atomic
def contract_create(
    *,
    actor: User,
    customer: Customer,
    title: str,
    signed_on: dt.date,
    amount: Decimal,
    currency: str | None = None,
    number: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    vat_rate: Decimal = Decimal("0.13"),
    owner: User | None = None,
    notes: str = "",
    terms: PaymentTerms | None = None,
    base_date: dt.date | None = None,
    charges_only: bool = False,
) -> Contract:
    """Create a draft contract, numbered from the company's pattern unless given; with ``terms``
    its plan is made at once. ``charges_only``: it bills charges on what the customer owes already
    (a confirmed dunning fee), not a new sale, so a credit hold does not stop it (a closed customer
    still does). Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    require_company(actor, customer.company_id)
    customer = lock_visible(Customer, actor, customer.pk, related=("company", "owner"), owner="owner")
    allowed = {CustomerStatus.ACTIVE, CustomerStatus.ON_HOLD} if charges_only else {CustomerStatus.ACTIVE}
    if customer.status not in allowed:
        raise DomainError(
            ContractErrorCode.CUSTOMER_NOT_ACTIVE, _("The customer is on hold or closed."), field="customer"
        )
    company = customer.company
    currency = currency or company.currency
    values = _check_values(
        {"title": title, "amount": amount, "currency": currency, "vat_rate": vat_rate}, currency=currency
    )
    # The customer's owner by default; anyone else needs Perm.OWNER_CHANGE unless it is the actor.
    check_owner(actor=actor, owner=owner or customer.owner, company_id=company.pk, keeps=customer.owner, creating=True)
    owner = owner or customer.owner
    contract = Contract(
        company=company,
        customer=customer,
        signed_on=signed_on,
        starts_on=starts_on,
        ends_on=ends_on,
        owner=owner,
        notes=notes,
        **values,
    )
    _check_dates(contract)
    contract.number = assign_number(
        model=Contract,
        company=company,
        given=number,
        field="number",
        kind="contract",
        pattern=company.contract_number_pattern,
        on=signed_on,
    )
    rows.insert(contract)
    audit.record(action=AuditAction.CONTRACT_CREATED, target=contract, actor=actor)
    if terms is not None:
        contract_apply_terms(actor=actor, contract=contract, terms=terms, base_date=base_date)
    return contract


@transaction.atomic
def contract_update(*, actor: User, contract: Contract, **changes: Any) -> Contract:
    """Change a contract: any field of a draft; only title, end date, owner and notes once active.
    Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    allowed: tuple[str, ...] = DRAFT_FIELDS if contract.is_draft else ACTIVE_FIELDS
    if contract.status in (ContractStatus.CANCELLED,):
        allowed = ("notes",)
    for field in changes:
        if field not in allowed:
            raise DomainError(
                ContractErrorCode.NOT_EDITABLE,
                _("This field cannot be changed once the contract is %(status)s.")
                % {"status": contract.get_status_display()},
                field=field,
            )
    values = _check_values(dict(changes), currency=contract.currency)
    previous_owner = contract.owner if "owner" in values else None
    if previous_owner is not None:
        check_owner(actor=actor, owner=values["owner"], company_id=contract.company_id, keeps=previous_owner)
    before = {field: str(getattr(contract, field)) for field in values}
    for field, value in values.items():
        setattr(contract, field, value)
    _check_dates(contract)
    contract.save()
    if "currency" in values:
        contract.installments.update(currency=contract.currency)
    audit.record(
        action=AuditAction.CONTRACT_UPDATED,
        target=contract,
        actor=actor,
        data={"before": before, "after": {k: str(v) for k, v in values.items()}},
    )
    if previous_owner is not None and contract.owner_id != previous_owner.pk:
        audit.record(
            action=AuditAction.CONTRACT_OWNER_CHANGED,
            target=contract,
            actor=actor,
            data=owner_change_data(before=previous_owner, after=contract.owner),
        )
    return contract


def _replace_plan(contract: Contract, planned: Sequence[PlannedInstallment]) -> list[Installment]:
    """The new plan of a draft, with the contract's ``terms`` and ``updated_at`` written along."""
    # A draft's plan: nothing refers to its installments yet (allocations and adjustments need a
    # booked installment), so a plain delete and one multi-row insert do it (core.rows).
    rows.delete_where(Installment, "contract", contract.pk)
    return rows.insert_many(
        [
            Installment(
                company_id=contract.company_id,
                contract=contract,
                customer_id=contract.customer_id,
                sequence=item.sequence,
                label=item.label[:100],
                currency=contract.currency,
                amount=item.amount,
                open_amount=item.amount,
                due_date=item.due_date,
                milestone=item.milestone,
                offset_days=item.offset_days,
                offset_months=item.offset_months,
                is_retention=item.is_retention,
            )
            for item in planned
        ],
        along=rows.update_statement(contract, ["terms", "updated_at"]),  # updated_at: auto_now
    )


def _require_draft(contract: Contract) -> None:
    if not contract.is_draft:
        raise DomainError(
            ContractErrorCode.CONTRACT_NOT_DRAFT,
            _("The plan of a contract can only be changed while it is a draft."),
            field="status",
        )


@transaction.atomic
def contract_apply_terms(
    *,
    actor: User,
    contract: Contract,
    terms: PaymentTerms,
    base_date: dt.date | None = None,
    whole_units: bool | None = None,
) -> list[Installment]:
    """Replace a draft's plan with the installments a template makes of its amount; due dates
    count from ``base_date`` (default: the signing date). Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    _require_draft(contract)
    if terms.company_id != contract.company_id:
        raise DomainError(
            ContractErrorCode.INVALID_TERMS, _("The payment terms belong to another company."), field="terms"
        )
    require_business_date(base_date, field="base_date")
    planned = build_schedule(
        terms_lines(terms),
        total=contract.amount,
        currency=contract.currency,
        base_date=base_date or contract.signed_on,
        whole_units=terms.whole_units if whole_units is None else whole_units,
    )
    contract.terms = terms
    installments = _replace_plan(contract, planned)
    audit.record(
        action=AuditAction.CONTRACT_PLAN_APPLIED,
        target=contract,
        actor=actor,
        data={"terms": terms.pk, "installments": [[str(i.amount), str(i.due_date)] for i in installments]},
    )
    return installments


@transaction.atomic
def contract_set_installments(
    *, actor: User, contract: Contract, installments: Sequence[Mapping[str, Any]]
) -> list[Installment]:
    """Replace a draft's plan with installments entered by hand. Each has an amount and either a due
    date or a milestone; they must sum to the contract amount before activation. Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    _require_draft(contract)
    if not installments:
        raise DomainError(ContractErrorCode.PLAN_EMPTY, _("Enter at least one installment."), field="installments")
    planned = []
    for index, data in enumerate(installments):
        amount = money.validate_amount(data.get("amount"), contract.currency, field=f"installments[{index}].amount")
        milestone = data.get("milestone") or ""
        due_date = data.get("due_date")
        if milestone and milestone not in MilestoneKind.values:
            raise DomainError(
                ContractErrorCode.INVALID_MILESTONE, _("Unknown milestone."), field=f"installments[{index}].milestone"
            )
        if not milestone and due_date is None:
            raise DomainError(
                ContractErrorCode.DUE_DATE_REQUIRED,
                _("Give a due date or the milestone the installment waits for."),
                field=f"installments[{index}].due_date",
            )
        require_business_date(due_date, field=f"installments[{index}].due_date")
        days, months = data.get("offset_days") or 0, data.get("offset_months") or 0
        require_offset_days(days, field=f"installments[{index}].offset_days")
        require_offset_months(months, field=f"installments[{index}].offset_months")
        planned.append(
            PlannedInstallment(
                sequence=index + 1,
                label=data.get("label") or "",
                amount=amount,
                due_date=None if milestone else due_date,
                milestone=milestone,
                offset_days=days,
                offset_months=months,
                is_retention=bool(data.get("is_retention", False)),
            )
        )
    total = sum(p.amount for p in planned)
    if total > contract.amount:
        raise DomainError(
            ContractErrorCode.PLAN_EXCEEDS_AMOUNT,
            _("The installments add up to %(sum)s, more than the contract amount %(amount)s.")
            % {"sum": money.display(total), "amount": money.display(contract.amount)},
            field="installments",
        )
    contract.terms = None
    result = _replace_plan(contract, planned)
    audit.record(action=AuditAction.CONTRACT_PLAN_ENTERED, target=contract, actor=actor)
    return result


@transaction.atomic
def contract_activate(*, actor: User, contract: Contract) -> Contract:
    """Make a draft binding: its installments become receivables from the signing date. The plan
    must sum exactly to the amount (DOMAIN.md rule 2). Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    if not contract.is_draft:
        raise DomainError(
            ContractErrorCode.CONTRACT_NOT_DRAFT, _("Only a draft contract can be activated."), field="status"
        )
    if contract.customer.status == CustomerStatus.CLOSED:
        raise DomainError(ContractErrorCode.CUSTOMER_CLOSED, _("The customer is closed."), field="customer")
    installments = compiled.run("contract_plan", _plan_of, contract.pk)
    planned = sum((installment.amount for installment in installments), money.ZERO)  # exact: Decimals
    if planned != contract.amount:
        raise DomainError(
            ContractErrorCode.PLAN_DOES_NOT_SUM,
            _("The installments add up to %(sum)s, but the contract amount is %(amount)s.")
            % {"sum": money.display(planned), "amount": money.display(contract.amount)},
            field="installments",
        )
    _fix_due_dates_from_milestones(contract, installments)
    # Receivable from the signing date, or from the first open day when the contract was signed in
    # a month already closed: the closed months keep the figures they reported.
    booked_on = open_date(company_id=contract.company_id, day=contract.signed_on)
    for installment in installments:
        installment.booked_on = booked_on
    contract.status = ContractStatus.ACTIVE
    contract.activated_at = timezone.now()
    # the plan's booking date and the contract's status in one statement (core.rows)
    booked = rows.update_where_statement(Installment, "contract", contract.pk, booked_on=booked_on)
    rows.update(contract, ["status", "activated_at", "updated_at"], along=booked)
    month_totals.add_booked(installments)
    audit.record(action=AuditAction.CONTRACT_ACTIVATED, target=contract, actor=actor)
    return contract


def _plan_of(contract_id: int) -> QuerySet[Installment]:
    return Installment.objects.filter(contract_id=contract_id).order_by("sequence")


def _fix_due_dates_from_milestones(
    contract: Contract, installments: Sequence[Installment] | None = None
) -> list[Installment]:
    """Give the installments waiting on a milestone already reached their due date. ``installments``
    are the contract's, when the caller has read them already."""
    if installments is None:
        waiting = list(contract.installments.filter(due_date__isnull=True).exclude(milestone=""))
    else:
        waiting = [i for i in installments if i.due_date is None and i.milestone]
    if not waiting:
        return []
    reached = {m.kind: m.reached_on for m in contract.milestones.all()}
    changed = []
    for installment in waiting:
        if installment.milestone in reached:
            installment.due_date = due_after_milestone(
                reached[installment.milestone], days=installment.offset_days, months=installment.offset_months
            )
            installment.save(update_fields=["due_date"])
            changed.append(installment)
    return changed


@transaction.atomic
def milestone_record(*, actor: User, contract: Contract, kind: str, reached_on: dt.date, note: str = "") -> Milestone:
    """Record that a milestone was reached; the installments waiting on it get their due dates.
    Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    if contract.status == ContractStatus.CANCELLED:
        raise DomainError(ContractErrorCode.CONTRACT_CANCELLED, _("The contract is cancelled."), field="contract")
    if kind not in MilestoneKind.values:
        raise DomainError(ContractErrorCode.INVALID_MILESTONE, _("Unknown milestone."), field="kind")
    require_not_future(reached_on, field="reached_on")
    require_business_date(reached_on, field="reached_on")
    require_order(
        contract.signed_on, reached_on, field="reached_on", message=_("A milestone cannot come before the signing.")
    )
    if contract.milestones.filter(kind=kind).exists():
        raise DomainError(ContractErrorCode.MILESTONE_RECORDED, _("This milestone is already recorded."), field="kind")
    milestone = Milestone.objects.create(
        company_id=contract.company_id,
        contract=contract,
        kind=kind,
        reached_on=reached_on,
        note=note,
        recorded_by=actor,
    )
    fixed = _fix_due_dates_from_milestones(contract)
    month_totals.add_booked(fixed)  # a draft's installments count when it is activated
    audit.record(
        action=AuditAction.MILESTONE_RECORDED,
        target=milestone,
        actor=actor,
        data={"installments": {i.sequence: i.due_date for i in fixed}},
    )
    return milestone


@transaction.atomic
def contract_terminate(*, actor: User, contract: Contract, on: dt.date, reason: str) -> Contract:
    """End an active contract early. What is still open stays owed until credited or written off.
    Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    if contract.status != ContractStatus.ACTIVE:
        raise DomainError(
            ContractErrorCode.CONTRACT_NOT_ACTIVE, _("Only an active contract can be terminated."), field="status"
        )
    reason = require_reason(reason)
    require_not_future(on, field="on")
    require_business_date(on, field="on")
    require_order(contract.signed_on, on, field="on", message=_("A contract cannot end before it is signed."))
    contract.status = ContractStatus.TERMINATED
    contract.closed_on = on
    contract.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record(action=AuditAction.CONTRACT_TERMINATED, target=contract, actor=actor, reason=reason)
    return contract


@transaction.atomic
def contract_cancel(*, actor: User, contract: Contract, reason: str) -> Contract:
    """Cancel a draft; an active contract is terminated instead. Raises DomainError."""
    require(actor, Perm.CONTRACT_CHANGE)
    contract = _locked(contract, actor)
    if not contract.is_draft:
        raise DomainError(
            ContractErrorCode.CONTRACT_NOT_DRAFT,
            _("Only a draft can be cancelled; terminate an active contract instead."),
            field="status",
        )
    reason = require_reason(reason)
    contract.status = ContractStatus.CANCELLED
    contract.closed_on = today()
    contract.save(update_fields=["status", "closed_on", "updated_at"])
    audit.record(action=AuditAction.CONTRACT_CANCELLED, target=contract, actor=actor, reason=reason)
    return contract


def contract_refresh_completion(contract: Contract) -> None:
    """Mark an active contract completed once every installment is settled, and reopen a completed
    one when a reversal leaves something open. Called by the services that settle installments,
    with the contract they locked (``receivables.lock_objects.installments_for_update``)."""
    contracts_refresh_completion([contract])


def contracts_refresh_completion(contracts: list[Contract]) -> None:
    """``contract_refresh_completion`` for many locked contracts (a batch of receipts settled some
    of their installments), their plans' totals read in one statement per 500."""
    wanted = {c.pk: c for c in contracts if c.status in (ContractStatus.ACTIVE, ContractStatus.COMPLETED)}
    if not wanted:
        return
    totals = _plan_totals(sorted(wanted))
    changed = []
    for pk, contract in sorted(wanted.items()):
        open_cents, settled = totals.get(pk, (None, None))
        if open_cents == 0 and contract.status == ContractStatus.ACTIVE:
            contract.status, contract.closed_on = ContractStatus.COMPLETED, settled
        elif open_cents and contract.status == ContractStatus.COMPLETED:
            contract.status, contract.closed_on = ContractStatus.ACTIVE, None
        else:
            continue
        changed.append(contract)
    rows.update_many(changed, ["status", "closed_on", "updated_at"])


def _plan_totals(contract_ids: list[int]) -> dict[int, tuple[int | None, dt.date | None]]:
    """Per contract, what its installments leave open, in whole cents (exact on SQLite too), and
    the last day one of them was settled. Plain SQL: every settling allocation asks, and the ORM
    took longer to build it than the database to answer."""
    table = connection.ops.quote_name(Installment._meta.db_table)
    totals: dict[int, tuple[int | None, dt.date | None]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(contract_ids), 500):
            chunk = contract_ids[start : start + 500]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT contract_id, SUM({money.cents_sql('open_amount')}), MAX(settled_on) FROM {table}"  # noqa: S608
                f" WHERE contract_id IN ({marks}) GROUP BY contract_id",
                chunk,
            )
            for contract_id, open_cents, settled in cursor.fetchall():
                totals[contract_id] = (None if open_cents is None else int(open_cents), date_from_sql(settled))
    return totals
