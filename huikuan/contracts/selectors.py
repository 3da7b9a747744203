from django.db.models import QuerySet

from huikuan.accounts.models import User
from huikuan.accounts.scope import restrict
from huikuan.contracts.models import Contract, Installment, Milestone


def contracts_visible_to(user: User) -> QuerySet[Contract]:
    return restrict(Contract.objects.select_related("customer", "owner"), user)


def installments_visible_to(user: User) -> QuerySet[Installment]:
    return restrict(Installment.objects.select_related("contract", "customer"), user)


def milestones_visible_to(user: User) -> QuerySet[Milestone]:
    return restrict(Milestone.objects.select_related("contract"), user, owner="contract__customer__owner")
