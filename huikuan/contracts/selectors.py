from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.contracts.filters import ContractFilter
from huikuan.contracts.models import Contract, Installment, Milestone


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    return restrict(Contract.objects.select_related("customer", "owner"), user)


def installments_visible_to(user: User) -> QuerySet[Installment]:
    """Installments the user may see, without figures (for choices and lookups); the list with
    figures and status is ``receivables.selectors.installment_list``."""
    return restrict(Installment.objects.select_related("contract", "customer"), user)


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return restrict(Milestone.objects.select_related("contract"), user, owner="contract__customer__owner")


def contract_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Contract]:
    """Contracts the user may see, filtered (no figures: see
    ``receivables.selectors.contract_list_with_figures``). Raises ValidationError on bad filters."""
    filterset = ContractFilter(filters or {}, queryset=contracts_visible_to(user))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
