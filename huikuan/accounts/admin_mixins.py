"""Row scope in the Django admin: the same scope function as the API, on every admin path.

A ModelAdmin of business records mixes in ``ScopedAdminMixin`` and names its selector in
``visible_queryset`` (a ``*_visible_to`` function or ``scope.restrict``). From then on the change
list, search, date hierarchy, detail/history/delete URLs (an out-of-scope id is "not found", like
a missing one), the related-object dropdowns and autocomplete of other admins that point at this
model, and the list filters' choices all see only what the user may see.

It lives in accounts, not core, because it needs ``accounts.scope``; core imports no domain app."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model, Q, QuerySet
from django.db.models.fields.related import RelatedField
from django.http import HttpRequest

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict


def _scoped_admin(site: admin.AdminSite, model: type[Model]) -> ScopedAdminMixin | None:
    related_admin = site._registry.get(model)
    return related_admin if isinstance(related_admin, ScopedAdminMixin) else None


def related_choices(site: admin.AdminSite, model: Any, request: HttpRequest) -> QuerySet | None:
    """What a user may pick for a relation to ``model``: its scoped admin's rows, or, for a model
    without one that belongs to a company, the rows of the user's companies; None when unscoped."""
    if not (isinstance(model, type) and issubclass(model, Model)):
        return None
    related_admin = _scoped_admin(site, model)
    if related_admin is not None:
        return related_admin.get_queryset(request)
    try:
        model._meta.get_field("company")
    except FieldDoesNotExist:
        return None
    return restrict(model._default_manager.all(), _user(request), owner=None)


def _user(request: HttpRequest) -> User:
    # The admin only lets authenticated staff in; our user model is ``User``.
    return request.user  # type: ignore[return-value]


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation that offers only the related rows the user may see."""

    def field_choices(self, field: RelatedField, request: HttpRequest, model_admin: admin.ModelAdmin) -> Any:
        ordering = self.field_admin_ordering(field, request, model_admin)
        choices = related_choices(model_admin.admin_site, field.related_model, request)
        if choices is None:
            return field.get_choices(include_blank=False, ordering=ordering)
        visible = Q(pk__in=choices.values("pk"))
        return field.get_choices(include_blank=False, limit_choices_to=visible, ordering=ordering)


class ScopedAdminMixin:
    """See the module docstring. Put it before ``admin.ModelAdmin`` (or ``ReadOnlyAdmin``)."""

    admin_site: admin.AdminSite
    model: type[Model]

    def visible_queryset(self, user: User) -> QuerySet:
        """The rows ``user`` may see, from the app's selector."""
        raise NotImplementedError

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = self.visible_queryset(_user(request))
        ordering = self.get_ordering(request)  # type: ignore[attr-defined]
        return queryset.order_by(*ordering) if ordering else queryset

    def get_field_queryset(self, db: str | None, db_field: Field, request: HttpRequest) -> QuerySet | None:
        """Choices of ForeignKey and ManyToMany form fields (dropdowns, and what a POST may name)."""
        choices = related_choices(self.admin_site, db_field.related_model, request)
        if choices is None:
            return super().get_field_queryset(db, db_field, request)  # type: ignore[misc]
        return choices

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters: list[Any] = []
        for item in super().get_list_filter(request):  # type: ignore[misc]
            if isinstance(item, str) and get_fields_from_path(self.model, item)[-1].is_relation:
                item = (item, ScopedRelatedFieldListFilter)
            filters.append(item)
        return filters
