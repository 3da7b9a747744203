from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.customers.models import Customer


def customers_visible_to(user: User) -> QuerySet[Customer]:
    return restrict(Customer.objects.all(), user, owner="owner")


def access_customer(user: User, pk: int) -> Customer:
    """The customer if the user may see it. Raises Customer.DoesNotExist (a 404) otherwise."""
    return customers_visible_to(user).get(pk=pk)
