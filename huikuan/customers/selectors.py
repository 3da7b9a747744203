from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.customers.filters import CustomerFilter
from huikuan.customers.models import Contact, Customer


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return restrict(Customer.objects.all(), user, owner="owner")


def access_customer(user: User, pk: int) -> Customer:
    """The customer if the user may see it. Raises Customer.DoesNotExist (a 404) otherwise."""
    return customers_visible_to(user).get(pk=pk)


def customer_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Customer]:
    """Customers the user may see, filtered, with owner, tags and contacts (primary first).
    Raises ValidationError on bad filters."""
    customers = (
        customers_visible_to(user)
        .select_related("owner")
        .prefetch_related("tags", Prefetch("contacts", queryset=Contact.objects.order_by("-is_primary", "pk")))
    )
    filterset = CustomerFilter(filters or {}, queryset=customers)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs
