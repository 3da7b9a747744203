"""The one place that decides which records a user may see (DOMAIN.md rule 8).

Every selector, API view, page, export and report narrows its queryset with ``restrict``; a
record outside the scope is then simply not found (404), never shown as forbidden."""

from __future__ import annotations

from collections.abc import Hashable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from huikuan.accounts.models import User
from huikuan.accounts.roles import Scope
from huikuan.core import compiled
from huikuan.core.errors import NotPermitted
from huikuan.core.locking import for_update

M = TypeVar("M", bound=Model)


def company_ids(user: User) -> set[int] | None:
    """Companies the user works in; None means every company (superusers)."""
    if user.is_superuser:
        return None
    ids = {user.company_id} if user.company_id else set()
    if user.scope == Scope.GROUP:
        ids |= set(user.other_companies.values_list("pk", flat=True))
    return ids


def scope_q(user: User, *, company: str = "company", owner: str | None = "customer__owner") -> Q:
    """A filter matching the records the user may see.

    ``company`` and ``owner`` are the lookup paths from the model to its company and to the
    user who owns its customer; ``owner=None`` marks company-wide records such as templates."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    ids = company_ids(user)
    condition = Q() if ids is None else Q(**{f"{company}__in": ids})
    if owner is None or sees_whole_companies(user):
        return condition
    if user.scope == Scope.TEAM and user.team_id:
        return condition & (Q(**{f"{owner}__team_id": user.team_id}) | Q(**{owner: user}))
    return condition & Q(**{owner: user})


def sees_whole_companies(user: User) -> bool:
    """Whether the user's scope is every record of their companies (not only their own or their
    team's customers): such lists are as wide as the company."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.scope in (Scope.COMPANY, Scope.GROUP)


def restrict(
    queryset: QuerySet[M], user: User, *, company: str = "company", owner: str | None = "customer__owner"
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, company=company, owner=owner))


def require(user: User, perm: str) -> None:
    """Refuse an action the user's role does not allow. Raises NotPermitted."""
    if not user.has_perm_code(perm):
        raise NotPermitted(_("Your role does not allow this action."))


def require_company(user: User, company_id: int) -> None:
    """Refuse to write into a company outside the user's. Raises NotPermitted."""
    ids = company_ids(user)
    if ids is not None and company_id not in ids:
        raise NotPermitted(_("You do not work in this company."))


def _scope_key(user: User) -> Hashable:
    """Everything ``scope_q`` reads of the user: two users with equal keys see the same rows, so a
    query compiled for one (``core.compiled``) is right for the other."""
    ids = company_ids(user)
    return (
        user.pk,
        user.is_superuser,
        user.scope,
        user.team_id,
        None if ids is None else tuple(sorted(ids)),
    )


def require_visible(user: User, obj: Model, *, owner: str | None = "customer__owner") -> None:
    """Refuse to act on a record outside the user's scope, whichever door the call came through.
    The API and pages already 404 such records; this keeps services safe for jobs and imports too.
    Raises NotPermitted."""
    model = type(obj)

    def build(pk: int) -> QuerySet[Model]:
        return restrict(model._default_manager.only("pk"), user, owner=owner).filter(pk=pk)

    if not compiled.run(("visible", model, owner, _scope_key(user)), build, obj.pk):
        raise NotPermitted(_("This record is outside your scope."))


def lock_visible(
    model: type[M], user: User, pk: int, *, related: tuple[str, ...] = (), owner: str | None = "customer__owner"
) -> M:
    """The record with its ``related`` rows (select_related), locked for the rest of the
    transaction, if the user may see it: the scope check of ``require_visible`` and the row lock
    in one query, compiled once per model and scope (the write path runs it for every service
    call). Raises NotPermitted, as ``require_visible`` does, for a record outside the scope."""

    def build(key: int) -> QuerySet[M]:
        return for_update(restrict(model._default_manager.select_related(*related), user, owner=owner)).filter(pk=key)

    rows = compiled.run(("lock_visible", model, related, owner, _scope_key(user)), build, pk)
    if not rows:
        raise NotPermitted(_("This record is outside your scope."))
    return rows[0]
