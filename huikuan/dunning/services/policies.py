"""Dunning policies and their steps, a customer's dunning settings, and message templates: the
only writers of DunningPolicy, DunningStep, CustomerDunning and MessageTemplate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company, require_visible
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money
from huikuan.core.dates import require_business_date
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.customers.models import Customer
from huikuan.dunning import texts
from huikuan.dunning.choices import FeeKind, TaskAssignee, TemplateKey
from huikuan.dunning.errors import DunningErrorCode as Code
from huikuan.dunning.models import (
    STEP_DAYS_MAX,
    STEP_DAYS_MIN,
    CustomerDunning,
    DunningAction,
    DunningPolicy,
    DunningStep,
    MessageTemplate,
)

STEP_FEE_FIELDS = ("fee_kind", "fee_value")
STEP_FLAGS = ("email_customer", "sms_customer", "notify_owner", "letter", "escalate", "credit_hold", "is_final")


def _clean_steps(steps: Sequence[Mapping[str, Any]]) -> list[DunningStep]:
    if not steps:
        raise DomainError(Code.NO_STEPS, _("A policy needs at least one step."), field="steps")
    cleaned: list[DunningStep] = []
    seen: set[int] = set()
    for index, data in enumerate(steps):
        where = f"steps[{index}]"
        days = data.get("days")
        if isinstance(days, bool) or not isinstance(days, int) or not STEP_DAYS_MIN <= days <= STEP_DAYS_MAX:
            raise DomainError(
                Code.STEP_DAYS,
                _("Days must be a whole number from %(low)d to %(high)d.")
                % {"low": STEP_DAYS_MIN, "high": STEP_DAYS_MAX},
                field=f"{where}.days",
            )
        if days in seen:
            raise DomainError(Code.STEP_DAYS, _("Two steps cannot fall on the same day."), field=f"{where}.days")
        seen.add(days)
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            raise DomainError(
                Code.STEP_NAME, _("Every step needs a name of at most 100 characters."), field=f"{where}.name"
            )
        task_for = data.get("task_for") or ""
        if task_for not in TaskAssignee.values:
            raise DomainError(Code.STEP_TASK, _("Choose who the task is for."), field=f"{where}.task_for")
        flags = {flag: bool(data.get(flag, False)) for flag in STEP_FLAGS}
        fee_kind, fee_value = _clean_fee(data, where)
        if not (any(flags.values()) or task_for or fee_kind):
            raise DomainError(Code.STEP_EMPTY, _("A step must do at least one thing."), field=f"{where}.name")
        cleaned.append(
            DunningStep(days=days, name=name, task_for=task_for, fee_kind=fee_kind, fee_value=fee_value, **flags)
        )
    cleaned.sort(key=lambda step: step.days)
    if any(step.is_final for step in cleaned[:-1]):
        raise DomainError(Code.STEP_FINAL, _("Only the last step can be final."), field="steps")
    return cleaned


FEE_RATE_LIMIT = Decimal(100)


def _clean_fee(data: Mapping[str, Any], where: str) -> tuple[str, Decimal]:
    kind = data.get("fee_kind") or ""
    if kind not in FeeKind.values:
        raise DomainError(Code.STEP_FEE, _("Choose a kind of fee."), field=f"{where}.fee_kind")
    if not kind:
        return "", Decimal(0)
    raw = data.get("fee_value")
    try:
        value = Decimal(str(raw)) if raw is not None and raw != "" else Decimal(0)
    except ArithmeticError:
        value = Decimal(-1)
    if not value.is_finite() or value <= 0:
        raise DomainError(Code.STEP_FEE, _("Give the fee a positive amount or rate."), field=f"{where}.fee_value")
    if kind == FeeKind.FIXED:
        return kind, money.validate_amount(value, settings.HUIKUAN_DEFAULT_CURRENCY, field=f"{where}.fee_value")
    if value > FEE_RATE_LIMIT or value != value.quantize(Decimal("0.0001")):
        raise DomainError(
            Code.STEP_FEE, _("A rate is a percentage up to 100, with at most 4 decimals."), field=f"{where}.fee_value"
        )
    return kind, value


@transaction.atomic
def policy_save(
    *,
    actor: User,
    company: Company,
    name: str,
    steps: Sequence[Mapping[str, Any]],
    is_default: bool = False,
    working_days_only: bool = False,
    policy: DunningPolicy | None = None,
) -> DunningPolicy:
    """Create a policy, or replace an existing one's name, flags and steps. Steps already performed
    for an installment keep their record; a changed ladder applies to what is not performed yet.
    Making it the default takes that from the company's previous default. Raises DomainError."""
    require(actor, Perm.DUNNING_POLICY_CHANGE)
    require_company(actor, company.pk)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise DomainError(Code.POLICY_NAME, _("Give the policy a name of at most 100 characters."), field="name")
    cleaned = _clean_steps(steps)
    others = DunningPolicy.objects.filter(company=company)
    if policy is not None:
        policy = for_update(others).get(pk=policy.pk)
        others = others.exclude(pk=policy.pk)
    if others.filter(name=name).exists():
        raise DomainError(Code.POLICY_NAME, _("Another policy already has this name."), field="name")
    if is_default:
        others.filter(is_default=True).update(is_default=False)
    before = None
    if policy is None:
        policy = DunningPolicy.objects.create(
            company=company, name=name, is_default=is_default, working_days_only=working_days_only
        )
    else:
        before = _describe(policy)
        policy.name, policy.is_default, policy.working_days_only = name, is_default, working_days_only
        policy.save(update_fields=["name", "is_default", "working_days_only", "updated_at"])
    _replace_steps(policy, cleaned)
    audit.record(
        action=AuditAction.DUNNING_POLICY_SAVED,
        target=policy,
        actor=actor,
        data={"before": before, "after": _describe(policy)},
    )
    return policy


def _replace_steps(policy: DunningPolicy, cleaned: list[DunningStep]) -> None:
    """Keep a step's row (and so the record of what it did) when a step on the same day stays."""
    existing = {step.days: step for step in policy.steps.all()}
    wanted = {step.days for step in cleaned}
    for days, step in existing.items():
        if days in wanted:
            continue
        if DunningAction.objects.filter(step=step).exists():
            # its actions are the record of what was sent: the step stays, changed but not removed
            raise DomainError(
                Code.STEP_IN_USE,
                _("The step on day %(days)+d has been performed and cannot be removed; change it instead.")
                % {"days": days},
                field="steps",
            )
        step.delete()
    for step in cleaned:
        step.policy = policy
        old = existing.get(step.days)
        if old is not None:
            step.pk = old.pk
            step.save()
        else:
            step.save()


def _describe(policy: DunningPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "default": policy.is_default,
        "working_days_only": policy.working_days_only,
        "steps": [
            {"days": step.days, "name": step.name, "task_for": step.task_for}
            | {flag: getattr(step, flag) for flag in STEP_FLAGS}
            | {"fee_kind": step.fee_kind, "fee_value": str(step.fee_value.normalize())}
            for step in policy.steps.order_by("days")
        ],
    }


@transaction.atomic
def customer_dunning_set(
    *,
    actor: User,
    customer: Customer,
    policy: DunningPolicy | None = None,
    collector: User | None = None,
    paused_until: dt.date | None = None,
    pause_reason: str = "",
    language: str = "",
) -> CustomerDunning:
    """Set how ``customer`` is dunned: its policy (None: the default), collector, a pause until a
    date (with a reason) and the language it is written to in. Raises DomainError."""
    require(actor, Perm.COLLECTION_WORK)
    require_visible(actor, customer, owner="owner")
    if policy is not None and policy.company_id != customer.company_id:
        raise DomainError(Code.NO_POLICY, _("Choose a policy of the customer's company."), field="policy")
    if collector is not None and (collector.company_id != customer.company_id or not collector.is_active):
        raise DomainError(
            Code.INVALID_COLLECTOR, _("The collector must be an active user of the company."), field="collector"
        )
    if paused_until is not None:
        require_business_date(paused_until, field="paused_until")
        if not pause_reason.strip():
            raise DomainError(Code.PAUSE_REASON, _("Say why dunning is paused."), field="pause_reason")
    if language and language not in dict(settings.LANGUAGES):
        raise DomainError(Code.LANGUAGE, _("Choose a language Huikuan writes in."), field="language")
    for_update(Customer.objects).get(pk=customer.pk)
    row, _created = CustomerDunning.objects.get_or_create(customer=customer)
    before = _settings_of(row)
    row.policy, row.collector, row.language = policy, collector, language
    row.paused_until, row.pause_reason = paused_until, pause_reason.strip()[:200] if paused_until else ""
    row.save()
    after = _settings_of(row)
    audit.record(
        action=AuditAction.CUSTOMER_DUNNING_SET,
        target=customer,
        actor=actor,
        reason=row.pause_reason,
        data={"before": before, "after": after},
    )
    return row


def _settings_of(row: CustomerDunning) -> dict[str, Any]:
    return {
        "policy": row.policy_id,
        "collector": row.collector_id,
        "paused_until": row.paused_until,
        "language": row.language,
    }


@transaction.atomic
def template_save(
    *, actor: User, company: Company, key: str, language: str, subject: str, body: str
) -> MessageTemplate:
    """Set the company's wording of one message in one language. Raises DomainError."""
    require(actor, Perm.DUNNING_POLICY_CHANGE)
    require_company(actor, company.pk)
    if key not in TemplateKey.values:
        raise DomainError(Code.INVALID_TEMPLATE, _("Unknown message."), field="key")
    if language not in dict(settings.LANGUAGES):
        raise DomainError(Code.LANGUAGE, _("Choose a language Huikuan writes in."), field="language")
    if not body.strip():
        raise DomainError(Code.INVALID_TEMPLATE, _("The body cannot be empty."), field="body")
    texts.compile_template(subject, field="subject")
    texts.compile_template(body, field="body")
    template, _created = MessageTemplate.objects.update_or_create(
        company=company,
        key=key,
        language=language,
        defaults={"subject": subject[:300], "body": body, "updated_by": actor},
    )
    audit.record(action=AuditAction.MESSAGE_TEMPLATE_SAVED, target=template, actor=actor, data={"subject": subject})
    return template


@transaction.atomic
def template_reset(*, actor: User, company: Company, key: str, language: str) -> None:
    """Go back to the wording that ships with Huikuan for one message and language."""
    require(actor, Perm.DUNNING_POLICY_CHANGE)
    require_company(actor, company.pk)
    template = MessageTemplate.objects.filter(company=company, key=key, language=language).first()
    if template is None:
        return
    audit.record(action=AuditAction.MESSAGE_TEMPLATE_SAVED, target=template, actor=actor, data={"reset": True})
    template.delete()
