"""The company's bank accounts: numbers shown masked, set up by finance (Perm.BANK_ACCOUNT_CHANGE)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from huikuan.accounts.roles import Perm
from huikuan.bank.forms import AccountForm, MappingForm
from huikuan.bank.parsing import ColumnMapping
from huikuan.bank.selectors import accounts_visible_to
from huikuan.bank.services.accounts import bank_account_create, bank_account_update, mapping_set, saved_mapping
from huikuan.bank.views import bank_user
from huikuan.core.errors import DomainError


@login_required
@require_GET
def account_list_page(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    return render(
        request,
        "bank/accounts.html",
        {"accounts": accounts_visible_to(user), "may_change": user.has_perm_code(Perm.BANK_ACCOUNT_CHANGE)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit_page(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = bank_user(request)
    if not user.has_perm_code(Perm.BANK_ACCOUNT_CHANGE):
        raise PermissionDenied
    account = None
    if pk is not None:
        account = accounts_visible_to(user).filter(pk=pk).first()
        if account is None:
            raise Http404
    initial = (
        {
            "name": account.name,
            "bank_name": account.bank_name,
            "currency": account.currency,
            "auto_threshold": account.auto_threshold,
            "active": account.active,
        }
        if account
        else None
    )
    form = AccountForm(request.POST or None, initial=initial)
    if account is not None:
        form.fields["number"].disabled = True
        form.fields["currency"].disabled = True
        form.fields["number"].help_text = _("%(number)s: the number and currency of an account stay.") % {
            "number": account.masked_number
        }
    else:
        form.fields["number"].required = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if account is None:
                if user.company is None:
                    raise PermissionDenied
                bank_account_create(
                    actor=user,
                    company=user.company,
                    name=data["name"],
                    bank_name=data["bank_name"],
                    number=data["number"],
                    currency=(data["currency"] or "").upper() or None,
                    auto_threshold=data["auto_threshold"],
                )
            else:
                bank_account_update(
                    actor=user,
                    account=account,
                    name=data["name"],
                    bank_name=data["bank_name"],
                    auto_threshold=data["auto_threshold"],
                    active=data["active"],
                )
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(request, _("Bank account saved."))
            return redirect("bank_accounts")
    status = 400 if request.method == "POST" else 200
    return render(request, "bank/account_form.html", {"form": form, "account": account}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mapping_page(request: HttpRequest, pk: int) -> HttpResponse:
    """How the account's bank's spreadsheet exports are read, set by hand."""
    user = bank_user(request)
    account = accounts_visible_to(user).filter(pk=pk).first()
    if account is None:
        raise Http404
    saved = saved_mapping(account)
    initial = None
    if saved is not None:
        initial = {**saved.as_dict(), "memo": ", ".join(saved.memo)}
    form = MappingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["memo"] = [part.strip() for part in data["memo"].replace("，", ",").split(",") if part.strip()]
        try:
            mapping_set(actor=user, account=account, mapping=ColumnMapping.from_dict(data))
        except DomainError as error:
            form.refuse(error)
        else:
            messages.success(
                request, _("Columns saved: files of %(bank)s are read this way.") % {"bank": account.bank_name}
            )
            return redirect("bank_import")
    status = 400 if request.method == "POST" else 200
    return render(request, "bank/mapping.html", {"form": form, "account": account, "saved": saved}, status=status)
