"""Setting collection targets (回款目标): the only writer of ``CollectionTarget``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from huikuan.accounts.errors import AccountErrorCode
from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import require, require_company
from huikuan.accounts.selectors import users_visible_to
from huikuan.audit import services as audit
from huikuan.audit.actions import AuditAction
from huikuan.core import money
from huikuan.core.dates import month_start, require_business_date
from huikuan.core.errors import DomainError
from huikuan.core.locking import for_update
from huikuan.reports.models import CollectionTarget


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
