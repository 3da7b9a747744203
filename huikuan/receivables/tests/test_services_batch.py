"""Receipts recorded in a batch come out as the single services would make them: same figures,
same dates, same refusals; items that depend on each other are left to the single services."""

import datetime as dt
from decimal import Decimal as D

import pytest

from huikuan.audit.models import AuditEvent
from huikuan.audit.services import chain_verify
from huikuan.core.errors import NotPermitted
from huikuan.demo import checks
from huikuan.receivables.models import Allocation, Receipt
from huikuan.receivables.services.allocations import AllocationLine, allocations_create
from huikuan.receivables.services.batch import NewReceipt, receipts_record_allocated
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db

PLAN = [("3000.00", dt.date(2025, 2, 1)), ("5000.00", dt.date(2025, 3, 1)), ("2000.00", dt.date(2025, 4, 1))]
FIGURES = (
    "open_amount",
    "collected_amount",
    "settled_status",
    "settled_on",
    "first_effective_on",
    "first_collected_on",
)


def figures(contract):
    return [tuple(getattr(i, name) for name in FIGURES) for i in contract.installments.order_by("sequence")]


def item(customer, installments, day=dt.date(2025, 3, 5), amount="8000.00", allocations=None):
    first, second, _third = installments
    return NewReceipt(
        customer_id=customer.pk,
        received_on=day,
        amount=D(amount),
        currency="CNY",
        allocations=allocations if allocations is not None else [(first.pk, D("3000.00")), (second.pk, D("5000.00"))],
        payer_name="杭州云帆网络科技有限公司",
        bank_reference="CB001",
        memo="货款",
    )


@pytest.fixture
def twins(make_customer, make_contract, manager):
    """Two customers with the same plan: one gets the batch, the other the single services."""
    made = []
    for name in ("甲方科技有限公司", "乙方科技有限公司"):
        customer = make_customer(owner=manager, name=name)
        contract = make_contract(customer, PLAN)
        made.append((customer, contract, list(contract.installments.order_by("sequence"))))
    return made


def single(clerk, customer, new: NewReceipt):
    receipt = receipt_create(
        actor=clerk, customer=customer, received_on=new.received_on, amount=new.amount, currency=new.currency
    )
    from huikuan.contracts.models import Installment

    lines = [AllocationLine(Installment.objects.get(pk=pk), amount) for pk, amount in new.allocations]
    allocations_create(actor=clerk, receipt=receipt, lines=lines)
    return receipt


def test_a_batch_gives_the_figures_and_dates_the_single_services_give(clerk, company, twins):
    (a, a_contract, a_installments), (b, b_contract, b_installments) = twins
    # a part paid earlier on each, so the back-dated allocation reads the installment's history
    for customer, installments in ((a, a_installments), (b, b_installments)):
        single(
            clerk,
            customer,
            item(customer, installments, dt.date(2025, 2, 20), "1000.00", [(installments[0].pk, D("1000.00"))]),
        )
    a_installments = list(a_contract.installments.order_by("sequence"))
    b_installments = list(b_contract.installments.order_by("sequence"))
    new = item(
        a,
        a_installments,
        amount="7000.00",
        allocations=[(a_installments[0].pk, D("2000.00")), (a_installments[1].pk, D("5000.00"))],
    )
    # when
    outcome = receipts_record_allocated(actor=clerk, company=company, items=[new])
    single(
        clerk,
        b,
        item(
            b,
            b_installments,
            amount="7000.00",
            allocations=[(b_installments[0].pk, D("2000.00")), (b_installments[1].pk, D("5000.00"))],
        ),
    )
    # then
    assert list(outcome.receipts) == [0]
    assert figures(a_contract) == figures(b_contract)
    dates = lambda customer: sorted(Allocation.objects.filter(customer=customer).values_list("effective_on", "amount"))  # noqa: E731
    assert dates(a) == dates(b)
    receipt = outcome.receipts[0]
    assert (receipt.allocated_amount, receipt.payer_name, receipt.bank_reference) == (
        D("7000.00"),
        "杭州云帆网络科技有限公司",
        "CB001",
    )
    assert checks.problems(company) == []
    assert chain_verify().intact
    assert AuditEvent.objects.filter(action="receipt.created", target_id=str(receipt.pk)).count() == 1
    assert AuditEvent.objects.filter(action="allocation.created").count() == 2 + 2 + 2


def test_refused_items_write_nothing_and_the_others_go_in(clerk, manager, company, twins):
    from huikuan.periods.services import period_close

    (a, _ac, a_installments), (b, _bc, b_installments) = twins
    period_close(actor=manager, company=company, month=dt.date(2025, 1, 1))
    items = [
        item(a, a_installments, day=dt.date(2025, 1, 20)),  # a closed month
        item(a, a_installments, allocations=[(b_installments[2].pk, D("2000.00"))]),  # another customer's
        item(b, b_installments, amount="100.00", allocations=[(b_installments[1].pk, D("200.00"))]),  # more than paid
        item(b, b_installments, amount="3000.00", allocations=[(b_installments[0].pk, D("3000.00"))]),  # fine
    ]
    # when
    outcome = receipts_record_allocated(actor=clerk, company=company, items=items)
    # then
    assert sorted(outcome.refused) == [0, 1, 2]
    assert [outcome.refused[i].field for i in (0, 1, 2)] == ["received_on", "installment", "amount"]
    assert list(outcome.receipts) == [3]
    assert Receipt.objects.count() == 1
    assert checks.problems(company) == []


def test_items_sharing_an_installment_are_left_to_the_single_services(clerk, company, twins):
    (a, _contract, installments), _b = twins
    first = [(installments[0].pk, D("1000.00"))]
    outcome = receipts_record_allocated(
        actor=clerk,
        company=company,
        items=[
            item(a, installments, amount="1000.00", allocations=first),
            item(a, installments, amount="1000.00", allocations=first),
        ],
    )
    assert outcome.single == [0, 1]
    assert not outcome.receipts
    assert not Receipt.objects.exists()


def test_the_numbers_are_a_block_in_order(clerk, company, twins):
    (a, _ac, a_installments), (b, _bc, b_installments) = twins
    receipt_create(actor=clerk, customer=a, received_on=dt.date(2025, 3, 1), amount=D("1.00"))
    outcome = receipts_record_allocated(
        actor=clerk, company=company, items=[item(a, a_installments), item(b, b_installments)]
    )
    numbers = sorted(Receipt.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 3
    assert [outcome.receipts[0].number, outcome.receipts[1].number] == numbers[1:]


def test_roles_and_scope(rep, auditor, company, twins):
    (a, _ac, a_installments), _b = twins
    with pytest.raises(NotPermitted):
        receipts_record_allocated(actor=auditor, company=company, items=[item(a, a_installments)])
    # a rep may record receipts, but not for another owner's customer
    outcome = receipts_record_allocated(actor=rep, company=company, items=[item(a, a_installments)])
    assert isinstance(outcome.refused[0], NotPermitted)
    assert not Receipt.objects.exists()


def test_a_contract_settled_by_the_batch_is_completed_as_by_the_single_services(
    clerk, company, make_customer, make_contract, manager
):
    from huikuan.contracts.choices import ContractStatus

    customer = make_customer(owner=manager, name="丙方科技有限公司")
    contract = make_contract(customer, [("1000.00", dt.date(2025, 2, 1))])
    other = make_contract(customer, [("500.00", dt.date(2025, 2, 1)), ("500.00", dt.date(2025, 3, 1))])
    first, _second = other.installments.order_by("sequence")
    [only] = contract.installments.all()
    new = [
        NewReceipt(customer.pk, dt.date(2025, 3, 5), D("1000.00"), "CNY", [(only.pk, D("1000.00"))]),
        NewReceipt(customer.pk, dt.date(2025, 3, 5), D("500.00"), "CNY", [(first.pk, D("500.00"))]),
    ]
    receipts_record_allocated(actor=clerk, company=company, items=new)
    contract.refresh_from_db()
    other.refresh_from_db()
    assert (contract.status, contract.closed_on) == (ContractStatus.COMPLETED, dt.date(2025, 3, 5))
    assert other.status == ContractStatus.ACTIVE
    assert checks.problems(company) == []
