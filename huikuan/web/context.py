"""What every workbench page's frame needs: the sections the user's role may open."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from huikuan.dunning.selectors import unread_count
from huikuan.web import navigation


def workbench(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_items": navigation.items_for(user, request.path), "unread_notices": unread_count(user)}
