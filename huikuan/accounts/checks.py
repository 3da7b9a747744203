"""System checks of the install's security settings.

Registered without ``deploy=True`` so they run on every ``huikuan check``, ``migrate`` and
``runserver``, not only on ``check --deploy``; the startup guard below covers WSGI/ASGI servers,
which run no system checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

from huikuan.accounts.secret_key import is_insecure

INSECURE_KEY = "huikuan.accounts.E001"


@checks.register(checks.Tags.security)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """With DEBUG off, a SECRET_KEY that is public (from the source or Django's template) is an error:
    anyone could forge sessions and password-reset links with it."""
    if settings.DEBUG or not is_insecure(str(settings.SECRET_KEY)):
        return []
    return [
        checks.Error(
            "SECRET_KEY is a publicly known development key and DEBUG is off.",
            hint="Unset SECRET_KEY to use the random key kept in HUIKUAN_DATA_DIR, or set it to a long "
            "random string: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'",
            id=INSECURE_KEY,
        )
    ]


class RefuseInsecureSettingsMiddleware:
    """Stops a server from starting on settings the checks above refuse.

    Django builds the middleware chain when the WSGI/ASGI handler is created, that is when gunicorn
    or another server loads ``huikuan.wsgi``, so raising here keeps such a server from serving a single
    request. When the settings are fine it removes itself from the chain (MiddlewareNotUsed)."""

    def __init__(self, get_response: Any) -> None:
        errors = [message for message in check_secret_key() if message.is_serious()]
        if errors:
            raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
        raise MiddlewareNotUsed

    def __call__(self, request: HttpRequest) -> HttpResponse:  # pragma: no cover - never in the chain
        raise NotImplementedError
