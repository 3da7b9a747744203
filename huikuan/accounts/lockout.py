"""Sign-in throttling (django-axes): the answer a locked-out sign-in gets, the client address that
is counted. The audit row written when a user or an address gets locked out is
``audit.signins``.

Axes counts failed sign-ins per username and per client address (AXES_LOCKOUT_PARAMETERS in
settings); after AXES_FAILURE_LIMIT failures within the cool-off time, every sign-in of that user
or from that address is refused, even with the right password, until the cool-off has passed since
the last failure or an administrator runs ``huikuan axes_reset_username NAME`` / ``axes_reset_ip``."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huikuan.accounts.errors import AccountErrorCode

STATUS = 429


def lockout_message() -> str:
    cool_off = get_cool_off()
    if not cool_off:
        return _("Too many failed sign-ins for this user or from this address. Ask an administrator to unlock it.")
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return _("Too many failed sign-ins for this user or from this address. Try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the API answers 429 in its error shape, pages a translated page."""
    message = lockout_message()
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": AccountErrorCode.LOCKED_OUT, "message": message}, status=STATUS)
    elif request.path.startswith("/admin/"):
        context = {**admin.site.each_context(request), "title": _("Sign-in locked"), "message": message}
        response = render(request, "accounts/locked_out.html", context, status=STATUS)
    else:  # the workbench's sign-in page
        context = {"title": _("Sign-in locked"), "message": message}
        response = render(request, "accounts/locked_out_page.html", context, status=STATUS)
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address failures are counted against.

    Behind HUIKUAN_PROXY_COUNT reverse proxies every request comes from the nearest proxy, so the
    client is the address the outermost of them appended to X-Forwarded-For; entries left of it are
    whatever the client sent and cannot be trusted. Without proxies it is REMOTE_ADDR."""
    proxies = settings.HUIKUAN_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
