"""What a page view reads off its request."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest

from huikuan.accounts.models import User


def page_user(request: HttpRequest) -> User:
    """The signed-in user of a page behind ``login_required`` (our user model, never anonymous)."""
    return cast(User, request.user)
