"""Settings (设置): the company's payment terms templates, created and changed with their lines and
a live preview of the installments they make of a sample amount. For the roles that may change
templates (Perm.TERMS_CHANGE); every other user gets a 403, and the top bar hides the section."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.contracts.forms import refuse_line, rows_formset
from huikuan.contracts.views.plan import preview_rows
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.terms.forms import LinesFormSet, SampleForm, TermsForm, line_initial
from huikuan.terms.models import PaymentTerms
from huikuan.terms.selectors import terms_visible_to
from huikuan.terms.services import terms_create, terms_preview, terms_update
from huikuan.web.requests import page_user

PREFIX = "lines"
MORE_ROWS = 3


def _manager(request: HttpRequest) -> User:
    user = page_user(request)
    if not user.has_perm_code(Perm.TERMS_CHANGE):
        raise PermissionDenied
    return user


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    templates = terms_visible_to(user).order_by("-is_active", "name")
    return render(request, "terms/settings.html", {"templates": templates})


def _lines(formset: forms.BaseFormSet) -> tuple[list[dict[str, Any]], list[int]]:
    """The typed lines as the services take them, and the formset row of each."""
    filled = formset.filled()  # type: ignore[attr-defined]  # BasePlanFormSet
    return [form.line() for _index, form in filled], [index for index, _form in filled]


def _preview(user: User, formset: forms.BaseFormSet, sample: SampleForm) -> dict[str, Any]:
    """What the typed lines make of the sample amount from the sample date; a refusal is shown in
    its place (the lines are checked as they would be when saved)."""
    if not (formset.is_valid() and sample.is_valid()):
        return {"rows": [], "message": _("Correct the marked fields to see the installments."), "refused": True}
    lines, _positions = _lines(formset)
    if not lines:
        return {"rows": [], "message": _("Enter a line to see the installments it makes.")}
    try:
        planned = terms_preview(
            amount=sample.cleaned_data["sample_amount"],
            base_date=sample.cleaned_data["sample_date"],
            lines=lines,
            company=user.company,
            whole_units=bool(formset.data.get("whole_units")),
        )
    except DomainError as error:
        return {"rows": [], "message": str(error.message), "refused": True}
    return {"rows": preview_rows(planned), "total": sum(p.amount for p in planned)}


def _render(
    request: HttpRequest,
    user: User,
    *,
    terms: PaymentTerms | None,
    form: TermsForm,
    formset: forms.BaseFormSet,
    sample: SampleForm,
    lines_error: str = "",
) -> HttpResponse:
    context = {
        "terms": terms,
        "form": form,
        "formset": formset,
        "sample": sample,
        "lines_error": lines_error,
        "preview": _preview(user, formset, sample) if formset.is_bound else _initial_preview(user, terms, sample),
    }
    return render(request, "terms/form.html", context)


def _initial_preview(user: User, terms: PaymentTerms | None, sample: SampleForm) -> dict[str, Any]:
    if terms is None:
        return {"rows": [], "message": _("Enter a line to see the installments it makes.")}
    try:
        planned = terms_preview(
            amount=Decimal(sample.fields["sample_amount"].initial),
            base_date=sample.fields["sample_date"].initial,
            terms=terms,
        )
    except DomainError as error:
        return {"rows": [], "message": str(error.message), "refused": True}
    return {"rows": preview_rows(planned), "total": sum(p.amount for p in planned)}


def _save(
    request: HttpRequest, user: User, terms: PaymentTerms | None, form: TermsForm, formset: forms.BaseFormSet
) -> tuple[PaymentTerms | None, str]:
    """Create or change the template from valid forms: the template, or None and the refusal shown
    above the lines when it names no field of the page."""
    lines, positions = _lines(formset)
    data = form.cleaned_data
    try:
        if terms is None:
            if user.company is None:
                raise PermissionDenied
            saved = terms_create(
                actor=user,
                company=user.company,
                name=data["name"],
                description=data["description"],
                whole_units=data["whole_units"],
                lines=lines,
            )
        else:
            saved = terms_update(
                actor=user,
                terms=terms,
                name=data["name"],
                description=data["description"],
                whole_units=data["whole_units"],
                is_active=data["is_active"],
                lines=lines,
            )
    except DomainError as error:
        if (error.field or "").startswith("lines["):
            refuse_line(formset, error, positions=positions)
            return None, ""
        if error.field in form.fields:
            form.refuse(error)
            return None, ""
        return None, str(error.message)
    except ValidationError as error:
        form.refuse(error)
        return None, ""
    return saved, ""


def _more_rows(request: HttpRequest) -> forms.BaseFormSet:
    data = request.POST.copy()
    try:
        total = parse_int(data.get(f"{PREFIX}-TOTAL_FORMS", "0"))
    except NumberFormatError:
        total = 0
    data[f"{PREFIX}-TOTAL_FORMS"] = str(min(total + MORE_ROWS, 200))
    return LinesFormSet(data, prefix=PREFIX)


def _edit(request: HttpRequest, terms: PaymentTerms | None) -> HttpResponse:
    user = _manager(request)
    sample = SampleForm(request.POST or None, today=today())
    if request.method == "POST":
        form = TermsForm(request.POST, creating=terms is None)
        if "more" in request.POST:
            # more blank rows, what was typed kept (nothing is saved)
            return _render(request, user, terms=terms, form=form, formset=_more_rows(request), sample=sample)
        formset = rows_formset(LinesFormSet, request.POST, prefix=PREFIX)
        lines_error = ""
        if form.is_valid() and formset.is_valid():
            saved, lines_error = _save(request, user, terms, form, formset)
            if saved is not None:
                messages.success(request, _("The payment terms %(name)s are saved.") % {"name": saved.name})
                return redirect("settings")
        return _render(request, user, terms=terms, form=form, formset=formset, sample=sample, lines_error=lines_error)
    if terms is None:
        form = TermsForm(creating=True)
        formset = rows_formset(LinesFormSet, initial=[], blank=3, prefix=PREFIX)
    else:
        form = TermsForm(
            initial={
                "name": terms.name,
                "description": terms.description,
                "whole_units": terms.whole_units,
                "is_active": terms.is_active,
            }
        )
        initial = [line_initial(line) for line in terms.lines.order_by("sequence")]
        formset = rows_formset(LinesFormSet, initial=initial, blank=2, prefix=PREFIX)
    return _render(request, user, terms=terms, form=form, formset=formset, sample=sample)


@login_required
def terms_create_view(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@login_required
def terms_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    terms = terms_visible_to(user).filter(pk=pk).first()
    if terms is None:
        raise Http404
    return _edit(request, terms)


@login_required
@require_POST
def terms_preview_view(request: HttpRequest) -> HttpResponse:
    """The installments the lines typed so far make of the sample (htmx partial of the form)."""
    user = _manager(request)
    formset = LinesFormSet(request.POST, prefix=PREFIX)
    sample = SampleForm(request.POST, today=today())
    return render(request, "terms/partials/_preview.html", {"preview": _preview(user, formset, sample)})
