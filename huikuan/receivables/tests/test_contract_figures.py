"""The collected share of contracts, computed in the database for the contract list's filter: it
agrees with the figures of each contract and bounds are inclusive, to the basis point."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.contracts.models import Contract
from huikuan.receivables import contract_figures
from huikuan.receivables.figures import contract_figures as figures_of_contract
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contracts(make_customer, make_contract, clerk, rep):
    """Three contracts of 10,000.00 (two installments each): nothing collected, 2,500.01 collected
    (25.0001%), and everything collected; and a draft of 1,000.00."""
    customer = make_customer(owner=rep)
    plan = [("4000.00", dt.date(2025, 2, 1)), ("6000.00", dt.date(2025, 3, 1))]
    none = make_contract(customer, plan, title="none")
    part = make_contract(customer, plan, title="part")
    whole = make_contract(customer, plan, title="whole")
    draft = make_contract(customer, [("1000.00", dt.date(2025, 6, 1))], activate=False, title="draft")
    receipt = receipt_create(actor=clerk, customer=customer, received_on=dt.date(2025, 2, 5), amount=D("12500.01"))
    first, _second = part.installments.order_by("sequence")
    allocation_create(actor=clerk, receipt=receipt, installment=first, amount=D("2500.01"))
    for installment in whole.installments.order_by("sequence"):
        allocation_create(actor=clerk, receipt=receipt, installment=installment, amount=installment.amount)
    return {"none": none, "part": part, "whole": whole, "draft": draft}


def titles(queryset):
    return sorted(queryset.values_list("title", flat=True))


def test_the_collected_cents_agree_with_the_contract_figures(contracts):
    # given the contracts, when their collected money is read in the database
    rows = contract_figures.with_collected_cents(Contract.objects.all())
    # then it is each contract's collected figure, in cents
    for contract in rows:
        assert D(contract.collected_cents).scaleb(-2) == figures_of_contract(contract).collected
    assert {c.title: c.collected_cents for c in rows} == {"none": 0, "part": 250001, "whole": 1000000, "draft": 0}


def test_bounds_are_inclusive_to_the_basis_point(contracts):
    everything = Contract.objects.all()
    assert titles(contract_figures.collected_share_between(everything)) == ["draft", "none", "part", "whole"]
    assert titles(contract_figures.collected_share_between(everything, at_least=D("25"))) == ["part", "whole"]
    # 25.0001% is not at least 25.01%
    assert titles(contract_figures.collected_share_between(everything, at_least=D("25.01"))) == ["whole"]
    assert titles(contract_figures.collected_share_between(everything, at_most=D("0"))) == ["draft", "none"]
    assert titles(contract_figures.collected_share_between(everything, at_least=D("1"), at_most=D("99.99"))) == ["part"]
    assert titles(contract_figures.collected_share_between(everything, at_least=D("100"))) == ["whole"]


def test_the_filter_keeps_the_queryset_it_is_given(contracts):
    # a list already narrowed (scope, filters) stays narrowed
    actives = Contract.objects.filter(status="active")
    assert titles(contract_figures.collected_share_between(actives, at_most=D("50"))) == ["none", "part"]
