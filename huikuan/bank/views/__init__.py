"""The bank pages (银行对账): importing statements, the review queue, a line's matching by hand,
statements with their reconciliation, and the company's bank accounts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from huikuan.accounts.models import User
from huikuan.bank.models import BankLine
from huikuan.bank.selectors import lines_visible_to, may_see_bank
from huikuan.web.requests import page_user


def bank_user(request: HttpRequest) -> User:
    """The signed-in user, if they may work with bank statements (403 otherwise)."""
    user = page_user(request)
    if not may_see_bank(user):
        raise PermissionDenied
    return user


def visible_line(user: User, pk: int) -> BankLine:
    """The line if the user may see it; otherwise a 404, as for one that does not exist."""
    line = lines_visible_to(user).filter(pk=pk).first()
    if line is None:
        raise Http404
    return line
