"""Filters of the contract and milestone lists, shared by the API and the pages. The installment
list, with its as-of figures and status, is filtered in ``receivables.filters``."""

import django_filters
from django.utils.translation import gettext_lazy as _

from huikuan.contracts.choices import ContractStatus
from huikuan.contracts.models import Contract, Milestone
from huikuan.core.filters import DateFilter, IdFilter
from huikuan.terms.choices import MilestoneKind


class ContractFilter(django_filters.FilterSet):
    customer = IdFilter(field_name="customer_id", label=_("customer"))
    owner = IdFilter(field_name="owner_id", label=_("owner"))
    status = django_filters.ChoiceFilter(choices=ContractStatus.choices, label=_("status"))
    currency = django_filters.CharFilter(label=_("currency"))
    signed_from = DateFilter(field_name="signed_on", lookup_expr="gte", label=_("signed from"))
    signed_to = DateFilter(field_name="signed_on", lookup_expr="lte", label=_("signed to"))

    class Meta:
        model = Contract
        fields = ["customer", "owner", "status", "currency", "signed_from", "signed_to"]


class MilestoneFilter(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("contract"))
    kind = django_filters.ChoiceFilter(choices=MilestoneKind.choices, label=_("milestone"))
    reached_from = DateFilter(field_name="reached_on", lookup_expr="gte", label=_("reached from"))
    reached_to = DateFilter(field_name="reached_on", lookup_expr="lte", label=_("reached to"))

    class Meta:
        model = Milestone
        fields = ["contract", "kind", "reached_from", "reached_to"]
