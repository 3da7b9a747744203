"""Importing a statement file, and the statements with their lines' reconciliation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from huikuan.bank.errors import StatementRejected
from huikuan.bank.forms import ImportForm, StatementLineFilters
from huikuan.bank.selectors import accounts_visible_to, line_list, statement_list
from huikuan.bank.services.matching import statement_import_and_match
from huikuan.bank.views import bank_user
from huikuan.core.errors import DomainError
from huikuan.web.lists import page_of


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    accounts = list(accounts_visible_to(user).filter(active=True))
    form = ImportForm(request.POST or None, request.FILES or None, accounts=accounts)
    context: dict[str, object] = {"form": form, "accounts": accounts}
    if request.method == "POST" and form.is_valid():
        account = next(a for a in accounts if str(a.pk) == form.cleaned_data["account"])
        upload = form.cleaned_data["file"]
        try:
            result, matched = statement_import_and_match(
                actor=user,
                account=account,
                data=upload.read(),
                file_name=upload.name,
                format=form.cleaned_data["format"],
            )
        except StatementRejected as error:
            context["rejected"] = error
            context["rejected_account"] = account
            return render(request, "bank/import.html", context, status=400)
        except DomainError as error:
            form.refuse(error)
            return render(request, "bank/import.html", context, status=400)
        context["result"] = result
        context["matched"] = matched
        context["form"] = ImportForm(accounts=accounts, initial={"account": str(account.pk)})
    elif request.method == "POST":
        return render(request, "bank/import.html", context, status=400)
    return render(request, "bank/import.html", context)


@login_required
@require_GET
def statement_list_page(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    account = request.GET.get("account", "")
    rows = statement_list(user=user, account=int(account) if account.isdigit() else None)
    return render(
        request,
        "bank/statements.html",
        {"page": page_of(request, rows), "accounts": list(accounts_visible_to(user)), "account": account},
    )


@login_required
@require_GET
def statement_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    statement = statement_list(user=user).filter(pk=pk).first()
    if statement is None:
        raise Http404
    filters = StatementLineFilters(request.GET or None)
    state = filters.cleaned_data.get("state") if filters.is_valid() else ""
    lines = line_list(user=user, filters={"statement": statement.pk, "state": state})
    return render(
        request,
        "bank/statement.html",
        {"statement": statement, "filters": filters, "page": page_of(request, lines)},
    )
