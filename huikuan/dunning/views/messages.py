"""The message log (发送记录): every reminder, text, letter and notice with its status, a preview
of each, its letter as a PDF, and resending what failed; and the user's inbox of in-app notices."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huikuan.accounts.models import User
from huikuan.accounts.roles import Perm
from huikuan.core.errors import DomainError
from huikuan.dunning.choices import MessageStatus
from huikuan.dunning.forms import MessageFilters
from huikuan.dunning.letters import letter_pdf
from huikuan.dunning.models import Message
from huikuan.dunning.selectors import inbox, message_actions, messages_visible_to
from huikuan.dunning.services.outbox import message_resend
from huikuan.dunning.texts import message_text
from huikuan.dunning.views import require_work
from huikuan.web.lists import page_of
from huikuan.web.requests import page_user


def _message(user: User, pk: int) -> Message:
    """A message the user may see: about a customer in scope, or addressed to them."""
    found = (
        Message.objects.filter(Q(pk=pk) & (Q(pk__in=messages_visible_to(user).values("pk")) | Q(recipient_user=user)))
        .select_related("customer", "recipient_user")
        .first()
    )
    if found is None:
        raise Http404
    return found


def with_subjects(messages: Iterable[Message]) -> None:
    """Give each message of a page the subject it has or will have (``shown_subject``)."""
    for message in messages:
        message.shown_subject = message_text(message)[0]  # type: ignore[attr-defined]  # for the template


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    filters = MessageFilters(request.GET or None)
    rows = messages_visible_to(user).select_related("customer", "recipient_user").order_by("-created_at", "-pk")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["channel"]:
            rows = rows.filter(channel=data["channel"])
        if data["q"]:
            rows = rows.filter(Q(customer__name__icontains=data["q"]) | Q(customer__code__istartswith=data["q"]))
    page = page_of(request, rows)
    with_subjects(page.object_list)
    return render(request, "dunning/messages.html", {"filters": filters, "page": page})


@login_required
@require_GET
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    message = _message(user, pk)
    if message.recipient_user_id == user.pk and message.read_at is None:
        # reading one's own notice marks it read: a field of the recipient's, not a business record
        Message.objects.filter(pk=message.pk).update(read_at=timezone.now())
    subject, body = message_text(message)
    context = {
        "message": message,
        "actions": message_actions(message).select_related("step", "installment__contract").order_by("installment_id"),
        "subject": subject,
        "body": body,
        "may_resend": user.has_perm_code(Perm.COLLECTION_WORK)
        and message.status in {MessageStatus.FAILED, MessageStatus.UNKNOWN}
        and message.channel in {"email", "sms"},
    }
    return render(request, "dunning/message.html", context)


@login_required
@require_GET
def message_letter(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message(page_user(request), pk)
    if not message.has_letter:
        raise Http404
    response = HttpResponse(letter_pdf(message), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{message.pk}.pdf"'
    return response


@login_required
@require_POST
def message_resend_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_work(user)
    message = _message(user, pk)
    try:
        message_resend(actor=user, message=message)
        messages.success(request, _("Queued again: the worker sends it shortly."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("message_detail", pk=message.pk)


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    page = page_of(request, inbox(user).order_by("-created_at", "-pk"))
    with_subjects(page.object_list)
    return render(request, "dunning/inbox.html", {"page": page})
