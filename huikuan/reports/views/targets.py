"""The collection targets page (回款目标): a grid of owners by the twelve months of a year, in one
currency. Everyone sees the targets of the owners they may see (a rep their own); only a role
with Perm.TARGET_CHANGE (finance managers, administrators) gets the grid as fields and may save
it: a POST from anyone else is answered 403. Saving calls ``target_set`` for every changed cell
in one transaction; a cell the service refuses shows its message and nothing is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm, Role
from huikuan.accounts.scope import restrict
from huikuan.accounts.selectors import users_visible_to
from huikuan.core.dates import today
from huikuan.core.errors import DomainError, NotPermitted
from huikuan.reports.models import CollectionTarget
from huikuan.reports.services import target_set
from huikuan.reports.views import report_pages
from huikuan.reports.views.plan_forms import TargetChoice, TargetGrid
from huikuan.web.requests import page_user


def targets_of(user: User, year: int, currency: str) -> dict[tuple[int, int], Decimal]:
    """The targets set for ``year`` in ``currency`` of the owners ``user`` may see, by (owner id,
    month number)."""
    rows = restrict(
        CollectionTarget.objects.filter(
            month__gte=dt.date(year, 1, 1), month__lte=dt.date(year, 12, 1), currency=currency
        ),
        user,
        owner="owner",
    )
    return {(owner, month.month): amount for owner, month, amount in rows.values_list("owner_id", "month", "amount")}


def grid_owners(user: User, with_targets: set[int]) -> list[User]:
    """The rows of the grid: the users ``user`` may see who sell (sales reps), own customers, or
    have a target in the year already."""
    owners = users_visible_to(user).filter(
        Q(role=Role.SALES_REP) | Q(owned_customers__isnull=False) | Q(pk__in=with_targets)
    )
    return list(owners.distinct().order_by("username"))


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    editable = user.has_perm_code(Perm.TARGET_CHANGE)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    choice = TargetChoice(request.GET or None)
    year: int = today().year
    currency: str = settings.HUIKUAN_DEFAULT_CURRENCY
    if choice.is_valid():  # otherwise the errors show on the fields and the current year shows
        year = choice.cleaned_data.get("year") or year
        currency = choice.cleaned_data.get("currency") or currency
    current = targets_of(user, year, currency)
    owners = grid_owners(user, {owner for owner, _month in current})
    grid = TargetGrid(
        request.POST if request.method == "POST" else None, owners=owners, current=current, editable=editable
    )
    if request.method == "POST":
        # the cells the form could read go to the service even when others could not, so that
        # every bad cell shows its message at once; then nothing is kept
        saved = _save(user, grid, year, currency, commit=grid.is_valid())
        if saved is not None:
            messages.success(
                request,
                ngettext("%(count)d target saved.", "%(count)d targets saved.", saved) % {"count": saved},
            )
            return redirect(f"{reverse('report_targets')}?{urlencode({'year': str(year), 'currency': currency})}")
    months = [dt.date(year, month, 1) for month in range(1, 13)]
    rows = []
    for owner, cells in grid.rows():
        set_amounts = [current.get((owner.pk, month)) for month in range(1, 13)]
        rows.append(
            {"owner": owner, "cells": cells, "total": sum((a for a in set_amounts if a is not None), Decimal(0))}
        )
    context: dict[str, Any] = {
        "choice": choice,
        "grid": grid,
        "rows": rows,
        "months": months,
        "year": year,
        "currency": currency,
        "editable": editable,
        "report_pages": report_pages(),
    }
    return render(request, "reports/targets.html", context)


def _save(user: User, grid: TargetGrid, year: int, currency: str, *, commit: bool) -> int | None:
    """Set every changed cell in one transaction; the number set, or None when a cell was refused
    (then its message is on the cell and nothing is saved) or ``commit`` is false (the form refused
    a cell already: the others are only checked)."""
    refused = False
    changes = grid.changes()
    with transaction.atomic():
        for name, owner, month, amount in changes:
            try:
                target_set(actor=user, owner=owner, month=dt.date(year, month, 1), currency=currency, amount=amount)
            except NotPermitted as error:
                raise PermissionDenied(str(error.message)) from error
            except DomainError as error:
                # each call is its own savepoint: the others still run, so every bad cell shows
                grid.add_error(name, str(error.message))
                refused = True
        if refused or not commit:
            transaction.set_rollback(True)
    return None if refused or not commit else len(changes)


urlpatterns: list[URLPattern] = [path("reports/targets/", targets, name="report_targets")]
