"""The customer statement page (对账单): a customer's ledger for a period, as Excel or as a PDF
ready to send, with the closing balance in Chinese capitals and a confirmation block."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from huikuan.core.errors import DomainError
from huikuan.customers.models import Customer
from huikuan.customers.selectors import customers_visible_to
from huikuan.reports.statement import Statement, customer_statement
from huikuan.reports.views import documents, report_pages
from huikuan.reports.views.statement_forms import StatementForm
from huikuan.web.requests import page_user


@login_required
def statement(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = StatementForm(request.GET)
    if not form.is_valid():
        if "customer" in form.errors:
            raise Http404  # no customer asked for, or not a number: nothing to show
        return _render(request, form, None)
    data = form.cleaned_data
    customer: Customer | None = customers_visible_to(user).select_related("company").filter(pk=data["customer"]).first()
    if customer is None:
        raise Http404  # another rep's customer answers exactly like one that does not exist
    try:
        result = customer_statement(
            customer=customer,
            currency=data.get("currency") or customer.company.currency,
            start=data["start"],
            end=data["end"],
        )
    except DomainError as error:
        form.refuse(error)
        return _render(request, form, None, customer=customer)
    fmt = request.GET.get("export")
    if fmt in documents.FORMATS:
        return documents.respond(documents.statement_document(result, request=request), fmt=fmt)
    return _render(request, form, result, customer=customer)


def _render(
    request: HttpRequest, form: StatementForm, result: Statement | None, *, customer: Customer | None = None
) -> HttpResponse:
    context: dict[str, Any] = {
        "form": form,
        "statement": result,
        "customer": customer,
        "report_pages": report_pages(),
    }
    return render(request, "reports/statement.html", context)


urlpatterns: list[URLPattern] = [path("reports/statement/", statement, name="report_statement")]
