"""The one place that decides which records a user may see (DOMAIN.md rule 8).

Every selector, API view, page, export and report narrows its queryset with ``restrict``; a
record outside the scope is then simply not found (404), never shown as forbidden."""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.roles import Scope

M = TypeVar("M", bound=Model)


def company_ids(user: User) -> set[int] | None:
    """Companies the user works in; None means every company (superusers)."""
    if user.is_superuser:
        return None
    ids = {user.company_id} if user.company_id else set()
    if user.scope == Scope.GROUP:
        ids |= set(user.other_companies.values_list("pk", flat=True))
    return ids


def scope_q(user: User, *, company: str = "company", owner: str = "customer__owner") -> Q:
    """A filter matching the records the user may see.

    ``company`` and ``owner`` are the lookup paths from the model to its company and to the
    user who owns its customer."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    ids = company_ids(user)
    condition = Q() if ids is None else Q(**{f"{company}__in": ids})
    if user.is_superuser or user.scope in (Scope.COMPANY, Scope.GROUP):
        return condition
    if user.scope == Scope.TEAM and user.team_id:
        return condition & (Q(**{f"{owner}__team_id": user.team_id}) | Q(**{owner: user}))
    return condition & Q(**{owner: user})


def restrict(
    queryset: QuerySet[M], user: User, *, company: str = "company", owner: str = "customer__owner"
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, company=company, owner=owner))
