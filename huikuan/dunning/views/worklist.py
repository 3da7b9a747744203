"""The collector's day (催收工作台): open tasks, and the overdue customers ranked by amount × days
overdue with their last contact, promises and disputes; one click logs a call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from huikuan.accounts.roles import Perm
from huikuan.accounts.scope import sees_whole_companies
from huikuan.core.dates import today
from huikuan.core.errors import DomainError
from huikuan.dunning.choices import TaskStatus
from huikuan.dunning.models import CollectionTask
from huikuan.dunning.selectors import tasks_visible_to, worklist
from huikuan.dunning.services.collection import task_complete
from huikuan.dunning.views import back_to, require_work
from huikuan.web.requests import page_user

TASKS_SHOWN = 100


@login_required
@require_GET
def collections_worklist(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    everyone = request.GET.get("tasks") == "all" and sees_whole_companies(user)
    tasks = tasks_visible_to(user).filter(status=TaskStatus.OPEN).select_related("customer", "assignee")
    if not everyone:
        tasks = tasks.filter(assignee=user)
    as_of = today()
    context = {
        "tasks": list(tasks.order_by("due_on", "pk")[:TASKS_SHOWN]),
        "everyone": everyone,
        "may_see_everyone": sees_whole_companies(user),
        "rows": worklist(user, as_of),
        "as_of": as_of,
        "may_work": user.has_perm_code(Perm.COLLECTION_WORK),
    }
    return render(request, "dunning/worklist.html", context)


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    require_work(user)
    try:
        task = tasks_visible_to(user).select_related("customer").get(pk=pk)
    except CollectionTask.DoesNotExist as error:
        raise Http404 from error
    try:
        task_complete(actor=user, task=task)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Task done: %(title)s") % {"title": task.title})
    return redirect(back_to(request, "collections_worklist"))
