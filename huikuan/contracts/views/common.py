"""What every contract page does first: find the contract in the user's scope (a 404 outside it)
and refuse a write the role may not make (a 403)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.contracts.models import Contract
from huikuan.contracts.selectors import contracts_visible_to
from huikuan.receivables.selectors import contract_list_with_figures


def can_change(user: User) -> bool:
    return user.has_perm_code(Perm.CONTRACT_CHANGE)


def require_change(user: User) -> None:
    """A write address answers 403 to a role that may not change contracts."""
    if not can_change(user):
        raise PermissionDenied


def visible_contract(user: User, pk: int) -> Contract:
    """The contract if the user may see it; otherwise a 404, as for one that does not exist."""
    contract = contracts_visible_to(user).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def contract_with_figures(user: User, pk: int, as_of: dt.date) -> Contract:
    """The contract with its plan carrying the figures on ``as_of`` and its milestones (the
    selector's prefetches), or a 404."""
    contract = contract_list_with_figures(user=user, as_of=as_of).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract
