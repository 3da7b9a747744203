"""The workbench's own pages: sign-in and out, the language switch, home and search. Each
domain area's pages live in its app (customers/views.py, contracts/views.py, ...)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm, Role
from huikuan.core import money
from huikuan.core.dates import month_start, today
from huikuan.receivables.dashboard import dashboards, month_series
from huikuan.receivables.search import search_records
from huikuan.web.forms import style
from huikuan.web.requests import page_user


class SignInForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"


class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        # the language the user chose before, on this browser too
        language = getattr(form.get_user(), "language", "")
        if language:
            translation.activate(language)
            response.set_cookie("django_language", language, samesite="Lax")
        return response


def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm (a link cannot sign anyone out behind their back); POST signs out."""
    if request.method == "POST":
        return auth_views.LogoutView.as_view(next_page="login")(request)
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "web/logout.html")


def _safe_next(request: HttpRequest, fallback: str = "/") -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language and keep the choice: on the user (every device) and in a cookie (the
    sign-in page)."""
    language = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if not translation.check_for_language(language) or language not in dict(settings.LANGUAGES):
        return response
    user = request.user
    if user.is_authenticated and isinstance(user, User) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    response.set_cookie("django_language", language, samesite="Lax")
    return response


ROLE_GREETING: dict[str, str] = {
    Role.SALES_REP: "rep",
    Role.COLLECTOR: "collector",
    Role.AR_CLERK: "clerk",
    Role.FINANCE_MANAGER: "manager",
    Role.ADMIN: "manager",
    Role.AUDITOR: "auditor",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    as_of = today()
    figures = dashboards(user=user, as_of=as_of)
    main = figures[0]
    context = {
        "as_of": as_of,
        "month_start": month_start(as_of),
        "week_end": as_of + dt.timedelta(days=7),
        "month_end": as_of + dt.timedelta(days=30),
        "main": main,
        "others": figures[1:],
        "role_view": ROLE_GREETING.get(user.role, "manager"),
        "can_receipt": user.has_perm_code(Perm.RECEIPT_CHANGE),
        "can_contract": user.has_perm_code(Perm.CONTRACT_CHANGE),
        "can_customer": user.has_perm_code(Perm.CUSTOMER_CHANGE),
    }
    return render(request, "web/home.html", context)


@login_required
def home_chart(request: HttpRequest) -> HttpResponse:
    """The home page's twelve months of due and collected, loaded by the page after itself (it reads
    a year of installments and receipts, where the rest of the page reads the open ones)."""
    user = page_user(request)
    currency = request.GET.get("currency") or settings.HUIKUAN_DEFAULT_CURRENCY
    if currency not in money.supported_currencies():
        currency = settings.HUIKUAN_DEFAULT_CURRENCY
    months = month_series(user=user, as_of=today(), currency=currency)
    chart = {
        "months": [month.starts_on.strftime("%Y-%m") for month in months],
        "due": [str(month.due) for month in months],
        "collected": [str(month.collected) for month in months],
        "labels": {"due": str(_("Planned")), "collected": str(_("Collected")), "currency": currency},
    }
    return render(request, "web/_home_chart.html", {"chart": chart})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    results = search_records(user=user, text=request.GET.get("q", ""))
    return render(request, "web/search.html", {"results": results, "search_query": results.text})
