"""Setting collection targets (回款目标), the only writer of ``CollectionTarget``; and the risk alert
thresholds (风险预警), the only writer of ``RiskThresholds``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huikuan.accounts.errors import AccountErrorCode
from huikuan.accounts.models import Company, User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.accounts.selectors import users_visible_to
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money
from huikuan.core.dates import month_start, require_business_date
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.reports import risk
from huikuan.reports.models import CollectionTarget, RiskThresholds


@transaction.atomic
def target_set(*, actor: User, owner: User, month: dt.date, currency: str, amount: Decimal | str) -> CollectionTarget:
    """Set what ``owner``'s customers should pay in ``month`` (any day of it) in ``currency``.

    Needs Perm.TARGET_CHANGE; the owner must be an active user of the actor's companies whom the
    actor may see (anyone else is refused exactly like an id that does not exist). 0 is a target
    too: the row is kept, never deleted. Setting the amount a target already has changes nothing and
    writes no audit event. Raises DomainError (NotPermitted for the role)."""
    require(actor, Perm.TARGET_CHANGE)
    company_id = owner.company_id
    if company_id is None or not owner.is_active or not users_visible_to(actor).filter(pk=owner.pk).exists():
        raise DomainError(
            AccountErrorCode.INVALID_OWNER, _("The owner must be an active user of the company."), field="owner"
        )
    require_company(actor, company_id)
    require_business_date(month, field="month")
    month = month_start(month)
    currency = money.validate_currency(currency)
    amount = money.validate_amount(amount, currency, allow_zero=True)

    rows = CollectionTarget.objects.filter(company_id=company_id, owner_id=owner.pk, currency=currency, month=month)
    target = for_update(rows).first()
    before: Decimal | None = None if target is None else target.amount
    if target is None:
        try:
            # a savepoint: two people setting the same new cell at once, the second updates the row
            # the first inserted instead of failing
            with transaction.atomic():
                target = CollectionTarget.objects.create(
                    company_id=company_id,
                    owner=owner,
                    month=month,
                    currency=currency,
                    amount=amount,
                    created_by=actor,
                    updated_by=actor,
                )
        except IntegrityError:
            target = for_update(rows).get()
            before = target.amount
    if before is not None:
        if before == amount:
            return target
        target.amount, target.updated_by = amount, actor
        target.save(update_fields=["amount", "updated_by", "updated_at"])
    audit.record(
        action=AuditAction.TARGET_SET,
        target=target,
        actor=actor,
        data={"owner": owner.pk, "month": month, "currency": currency, "before": before, "amount": amount},
    )
    return target


# the days thresholds and the most each may be (risk.py says why the DSO's is lower)
_DAYS_LIMITS = {
    "overdue_days": risk.MAX_OVERDUE_DAYS,
    "dso_days": risk.MAX_DSO_DAYS,
    "worsening_days": risk.MAX_WORSENING_DAYS,
}


def check_thresholds(values: dict[str, Any], currency: str) -> dict[str, Any]:
    """The thresholds given, checked: an amount (positive, in the currency's places, within the
    limit) or days (a whole number from 1) or empty (None: that alert off); the credit-limit switch
    a boolean. Raises DomainError on the first field refused."""
    checked: dict[str, Any] = {}
    for name, value in values.items():
        if name == "over_credit_limit":
            if not isinstance(value, bool):
                raise DomainError(risk.RiskErrorCode.INVALID_THRESHOLD, _("Choose yes or no."), field=name)
            checked[name] = value
        elif value is None or (isinstance(value, str) and not value.strip()):
            checked[name] = None
        elif name == "overdue_amount":
            checked[name] = money.validate_amount(value, currency, field=name)
        else:
            checked[name] = _days(name, value)
    return checked


def _days(name: str, value: object) -> int:
    limit = _DAYS_LIMITS[name]
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = parse_int(value)
        except NumberFormatError:
            number = None
    if number is None or not 1 <= number <= limit:
        raise DomainError(
            risk.RiskErrorCode.INVALID_THRESHOLD,
            _("Enter a whole number of days from 1 to %(max)s, or leave it empty to switch the alert off.")
            % {"max": limit},
            field=name,
        )
    return number


def _threshold_state(row: RiskThresholds) -> dict[str, Any]:
    return {name: getattr(row, name) for name in risk.THRESHOLD_FIELDS}


@transaction.atomic
def thresholds_set(*, actor: User, company: Company, **values: Any) -> RiskThresholds:
    """Set the risk alert thresholds of ``company``: any of ``overdue_amount`` (an amount in the
    company's currency), ``overdue_days``, ``dso_days``, ``worsening_days`` (whole days) — None
    switches that alert off — and ``over_credit_limit`` (a boolean). Those not given keep their
    value (the defaults when the company has none yet).

    Needs Perm.RISK_CHANGE and a company of the actor's. Checks every value before writing; setting
    what is already set writes nothing and no audit event, any change records
    ``AuditAction.RISK_THRESHOLDS_SET`` with the thresholds before and after. Raises DomainError
    (NotPermitted for the role or the company) and TypeError for a name that is no threshold."""
    unknown = sorted(set(values) - set(risk.THRESHOLD_FIELDS))
    if unknown:
        raise TypeError(f"thresholds_set() got unknown thresholds: {', '.join(unknown)}")
    require(actor, Perm.RISK_CHANGE)
    require_company(actor, company.pk)
    checked = check_thresholds(values, risk.company_currency(company))

    rows = RiskThresholds.objects.filter(company_id=company.pk)
    thresholds = for_update(rows).first()
    before: dict[str, Any] | None = None if thresholds is None else _threshold_state(thresholds)
    if thresholds is None:
        try:
            # a savepoint: two people saving a company's first thresholds at once, the second
            # updates the row the first inserted instead of failing
            with transaction.atomic():
                thresholds = RiskThresholds.objects.create(company=company, updated_by=actor, **checked)
        except IntegrityError:
            thresholds = for_update(rows).get()
            before = _threshold_state(thresholds)
    if before is not None:
        if all(before[name] == value for name, value in checked.items()):
            return thresholds
        for name, value in checked.items():
            setattr(thresholds, name, value)
        thresholds.updated_by = actor
        thresholds.save(update_fields=[*checked, "updated_by", "updated_at"])
    audit.record(
        action=AuditAction.RISK_THRESHOLDS_SET,
        target=thresholds,
        actor=actor,
        data={"before": before, "after": _threshold_state(thresholds)},
    )
    return thresholds
