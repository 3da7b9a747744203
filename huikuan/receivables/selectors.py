from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.receivables.models import Adjustment, Allocation, Receipt


def receipts_visible_to(user: User) -> QuerySet[Receipt]:
    return restrict(Receipt.objects.select_related("customer"), user)


def allocations_visible_to(user: User) -> QuerySet[Allocation]:
    return restrict(Allocation.objects.select_related("receipt", "installment__contract"), user)


def adjustments_visible_to(user: User) -> QuerySet[Adjustment]:
    return restrict(Adjustment.objects.select_related("installment__contract"), user)
