"""The collection pages (催收): the collector's worklist, a customer's collection records, the
message log and inbox, and the dunning policies."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.customers.models import Customer
from huikuan.customers.selectors import access_customer


def visible_customer(user: User, pk: int) -> Customer:
    """The customer if the user may see it; otherwise a 404, as for one that does not exist."""
    try:
        return access_customer(user, pk)
    except Customer.DoesNotExist as error:
        raise Http404 from error


def require_work(user: User) -> None:
    if not user.has_perm_code(Perm.COLLECTION_WORK):
        raise PermissionDenied


def back_to(request: HttpRequest, default: str, *args: object) -> str:
    """Where a form sends the user after a POST: its ``next`` when it is an address on this site,
    otherwise ``default`` (a URL name)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(default, *args)
