"""Every change made through the Django admin, to any model (ours and third-party ones such as
groups and API tokens), lands in the audit chain with the fields it changed.

Services write their audit rows themselves (STYLE.md); the admin is the one door that bypasses
services, so ``audit_every_admin`` (run from ``AuditConfig.ready``, after the admin has
discovered every app's admin module) mixes ``AuditedAdminMixin`` into each registered
ModelAdmin. Each event is recorded after the admin wrote the change, so the audit chain head
stays the last lock of the transaction (DESIGN.md)."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from huikuan.audit.actions import AuditAction
from huikuan.audit.services import record

# Values of these fields never go into the trail (a password hash, the new password twice).
_SECRET_MARKERS = ("password",)


def _pending(request: HttpRequest) -> dict[int, dict[str, Any]]:
    return request.__dict__.setdefault("_huikuan_admin_changes", {})


def _form_changes(form: Any) -> dict[str, Any]:
    fields = list(form.changed_data)
    values = {
        name: {"from": form.initial.get(name), "to": form.cleaned_data.get(name)}
        for name in fields
        if not any(marker in name for marker in _SECRET_MARKERS)
    }
    return {"fields": fields, "values": values}


class AuditedAdminMixin:
    """Records admin additions, changes and deletions as audit events (see module docstring)."""

    model: type[Model]

    def construct_change_message(self, request: HttpRequest, form: Any, formsets: Any, add: bool = False) -> Any:
        message = super().construct_change_message(request, form, formsets, add)  # type: ignore[misc]
        target = getattr(form, "instance", None) or getattr(form, "user", None)
        if target is not None:
            _pending(request)[id(target)] = _form_changes(form)
        return message

    def _record(self, request: HttpRequest, obj: Model, action: AuditAction, message: Any) -> None:
        data = _pending(request).pop(id(obj), {})
        record(action=action, target=obj, actor=request.user, data={**data, "message": message or []})

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._record(request, obj, AuditAction.ADMIN_ADDED, message)
        return entry

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        self._record(request, obj, AuditAction.ADMIN_CHANGED, message)
        return entry

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        self._delete(
            request,
            [obj],
            lambda: super(AuditedAdminMixin, self).delete_model(request, obj),  # type: ignore[misc]
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._delete(
            request,
            list(queryset),
            lambda: super(AuditedAdminMixin, self).delete_queryset(request, queryset),  # type: ignore[misc]
        )

    def _delete(self, request: HttpRequest, objs: list[Model], delete: Any) -> None:
        # Snapshots keep the primary key that deleting clears on the instances themselves.
        snapshots = [copy.copy(obj) for obj in objs]
        with transaction.atomic(using=router.db_for_write(self.model)):
            delete()
            for snapshot in snapshots:
                record(
                    action=AuditAction.ADMIN_DELETED,
                    target=snapshot,
                    actor=request.user,
                    data={"fields": [], "values": {}, "message": []},
                )


def audit_every_admin(site: admin.AdminSite) -> None:
    """Re-register every ModelAdmin of ``site`` with ``AuditedAdminMixin`` mixed in."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, AuditedAdminMixin):
            continue
        admin_class = type(model_admin)
        audited = type(
            admin_class.__name__,
            (AuditedAdminMixin, admin_class),
            {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
        )
        site.unregister(model)
        site.register(model, audited)
