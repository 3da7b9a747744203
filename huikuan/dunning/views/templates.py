"""Message templates (消息模板): the wording of the customer's email, text and letter, per
language, with a preview on made-up data. Everyone reads them; finance changes them."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from huikuan.accounts.roles import Perm
from huikuan.api.tools import actor_company
from huikuan.core.errors import DomainError
from huikuan.dunning import texts
from huikuan.dunning.choices import TemplateKey
from huikuan.dunning.models import MessageTemplate
from huikuan.dunning.services.policies import template_reset, template_save
from huikuan.web.forms import WorkbenchForm
from huikuan.web.requests import page_user


class TemplateForm(WorkbenchForm):
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=300, required=False)
    body = forms.CharField(label=gettext_lazy("Body"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000)


@login_required
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    own = set(MessageTemplate.objects.filter(company_id=user.company_id or 0).values_list("key", "language"))
    rows = [
        {"key": key, "label": label, "language": code, "language_name": name, "own": (key, code) in own}
        for key, label in TemplateKey.choices
        for code, name in settings.LANGUAGES
    ]
    context = {"rows": rows, "may_change": user.has_perm_code(Perm.DUNNING_POLICY_CHANGE)}
    return render(request, "dunning/templates.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, key: str, language: str) -> HttpResponse:
    user = page_user(request)
    if key not in TemplateKey.values or language not in dict(settings.LANGUAGES):
        raise Http404
    may_change = user.has_perm_code(Perm.DUNNING_POLICY_CHANGE)
    if request.method == "POST" and not may_change:
        raise PermissionDenied
    own = MessageTemplate.objects.filter(company_id=user.company_id or 0, key=key, language=language).first()
    subject, body = (own.subject, own.body) if own else texts.default_text(key, language)
    form = TemplateForm(request.POST if request.method == "POST" else None, initial={"subject": subject, "body": body})
    if request.method == "POST":
        try:
            if request.POST.get("reset"):
                template_reset(actor=user, company=actor_company(user), key=key, language=language)
                messages.success(request, _("Back to the default wording."))
                return redirect("template_edit", key=key, language=language)
            if form.is_valid():
                template_save(actor=user, company=actor_company(user), key=key, language=language, **form.cleaned_data)
                messages.success(request, _("Template saved."))
                return redirect("template_edit", key=key, language=language)
        except DomainError as error:
            form.refuse(error)
        subject, body = form.data.get("subject", ""), form.data.get("body", "")
    preview_subject = preview_body = preview_error = ""
    try:
        sample = texts.sample_context(user.company.name if user.company else "")
        preview_subject = texts.ENGINE.from_string(subject).render(texts.Context(sample))
        preview_body = texts.ENGINE.from_string(body).render(texts.Context(sample))
    except Exception as error:  # a template being typed may not work yet: say why in the preview
        preview_error = str(error)
    context = {
        "form": form,
        "key_label": TemplateKey(key).label,
        "language_name": dict(settings.LANGUAGES)[language],
        "own": own,
        "may_change": may_change,
        "preview_subject": preview_subject,
        "preview_body": preview_body,
        "preview_error": preview_error,
        "variables": list(texts.VARIABLES.items()),
    }
    return render(request, "dunning/template_form.html", context, status=400 if form.errors else 200)
