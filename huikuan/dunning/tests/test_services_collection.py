"""Follow-ups, promises to pay and disputes, and how they hold dunning back."""

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.core.errors import DomainError, NotPermitted
from huikuan.dunning.choices import Channel, DisputeStatus, PromiseStatus, TaskKind
from huikuan.dunning.models import CollectionTask, DunningAction, FollowUp, Message, PromiseToPay
from huikuan.dunning.services.collection import (
    dispute_open,
    dispute_resolve,
    follow_up_log,
    promise_cancel,
    promise_record,
    task_complete,
)
from huikuan.dunning.services.run import dunning_run
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db


def steps_of(installment):
    return sorted(DunningAction.objects.filter(installment=installment).values_list("step__days", flat=True))


@pytest.fixture
def first(debtor):
    return debtor.installments.get(sequence=1)


@pytest.fixture
def second(debtor):
    return debtor.installments.get(sequence=2)


def test_a_promise_holds_its_installments_until_the_date(company, policy, debtor, first, second, rep):
    # given on 12 Feb the customer promised 6,000.00 for the first installment by 20 Feb
    promise_record(
        actor=rep,
        customer=debtor,
        amount="6000.00",
        made_on=dt.date(2025, 2, 12),
        promised_on=dt.date(2025, 2, 20),
        installments=[first],
    )
    # when the run goes on 15 Feb and 20 Feb: the first installment waits
    dunning_run(company=company, as_of=dt.date(2025, 2, 15))
    dunning_run(company=company, as_of=dt.date(2025, 2, 20))
    assert steps_of(first) == []
    # but the second, not promised, is dunned as usual
    dunning_run(company=company, as_of=dt.date(2025, 3, 3))
    assert steps_of(second) == [-7]


def test_a_broken_promise_makes_one_task_and_dunning_resumes(company, policy, debtor, first, rep, collector, manager):
    from huikuan.dunning.services.policies import customer_dunning_set

    customer_dunning_set(actor=manager, customer=debtor, collector=collector)
    promise = promise_record(
        actor=rep, customer=debtor, amount="6000.00", made_on=dt.date(2025, 2, 12), promised_on=dt.date(2025, 2, 20)
    )
    # 1,000.00 came in by the date: not enough
    receipt_create(actor=manager, customer=debtor, received_on=dt.date(2025, 2, 18), amount=Decimal("1000.00"))

    report = dunning_run(company=company, as_of=dt.date(2025, 2, 21))
    dunning_run(company=company, as_of=dt.date(2025, 2, 22))

    promise.refresh_from_db()
    assert (promise.status, promise.resolved_on) == (PromiseStatus.BROKEN, dt.date(2025, 2, 21))
    assert report.counts()["promises_broken"] == 1
    task = CollectionTask.objects.get(kind=TaskKind.BROKEN_PROMISE)
    assert task.assignee == collector
    # in the owner's language: theirs is not set, so the company's default, Chinese
    assert task.title == "承诺未兑现：甲方科技有限公司 承诺于 2025-02-20 前支付 CNY 6,000.00"
    notice = Message.objects.get(channel=Channel.IN_APP, subject__startswith="承诺未兑现")
    assert notice.recipient_user == rep
    assert notice.body == "自承诺之日至 2025-02-20 收到：CNY 1,000.00。"
    # the promise no longer holds: the steps that fell due meanwhile are performed on 21 Feb
    assert steps_of(first) == [-7, 0, 3]


def test_a_kept_promise(company, policy, debtor, rep, manager):
    promise = promise_record(
        actor=rep, customer=debtor, amount="6000.00", made_on=dt.date(2025, 2, 12), promised_on=dt.date(2025, 2, 20)
    )
    receipt_create(actor=manager, customer=debtor, received_on=dt.date(2025, 2, 20), amount=Decimal("6000.00"))
    dunning_run(company=company, as_of=dt.date(2025, 2, 21))
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT
    assert not CollectionTask.objects.filter(kind=TaskKind.BROKEN_PROMISE).exists()


def test_a_dispute_pauses_its_installments_until_resolved(company, policy, debtor, first, second, rep):
    dispute = dispute_open(
        actor=rep,
        customer=debtor,
        installments=[first],
        reason="验收未通过",
        amount="2000.00",
        opened_on=dt.date(2025, 2, 1),
    )
    dunning_run(company=company, as_of=dt.date(2025, 3, 3))
    assert steps_of(first) == []
    assert steps_of(second) == [-7]

    dispute_resolve(actor=rep, dispute=dispute, resolution="补充验收完成", resolved_on=dt.date(2025, 3, 4))
    dunning_run(company=company, as_of=dt.date(2025, 3, 5))
    assert steps_of(first) == [-7, 0, 3, 15]  # caught up together, in one message
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.RESOLVED


def test_dispute_refusals_change_nothing(debtor, first, rep, make_customer, make_contract):
    other = make_customer(name="别家公司")
    elsewhere = make_contract(other, [("100.00", dt.date(2025, 2, 1))]).installments.get()
    cases = [
        ({"installments": [], "amount": "1.00", "reason": "x"}, "installments"),
        ({"installments": [elsewhere], "amount": "1.00", "reason": "x"}, "installments"),
        ({"installments": [first], "amount": "6000.01", "reason": "x"}, "amount"),
        ({"installments": [first], "amount": "0", "reason": "x"}, "amount"),
        ({"installments": [first], "amount": "10.00", "reason": "  "}, "reason"),
    ]
    for values, field in cases:
        with pytest.raises(DomainError) as refused:
            dispute_open(actor=rep, customer=debtor, opened_on=dt.date(2025, 2, 1), **values)
        assert refused.value.field == field, values
    assert not debtor.disputes.exists()


def test_promise_refusals(debtor, rep):
    with pytest.raises(DomainError) as refused:
        promise_record(
            actor=rep, customer=debtor, amount="100", made_on=dt.date(2025, 2, 12), promised_on=dt.date(2025, 2, 11)
        )
    assert refused.value.field == "promised_on"
    promise = promise_record(
        actor=rep, customer=debtor, amount="100", made_on=dt.date(2025, 2, 12), promised_on=dt.date(2025, 2, 12)
    )
    promise_cancel(actor=rep, promise=promise, reason="客户改口")
    with pytest.raises(DomainError):
        promise_cancel(actor=rep, promise=promise, reason="again")
    assert PromiseToPay.objects.get().status == PromiseStatus.CANCELLED


def test_follow_up_and_who_may_log_it(debtor, rep, other_rep, auditor, collector):
    follow_up = follow_up_log(
        actor=collector,
        customer=debtor,
        kind="call",
        outcome="promised",
        happened_on=dt.date(2025, 2, 12),
        contact_name="王经理",
        note="答应下周付款",
    )
    assert follow_up.created_by == collector
    with pytest.raises(NotPermitted):
        follow_up_log(actor=auditor, customer=debtor, kind="call", outcome="reached", happened_on=dt.date(2025, 2, 12))
    # another rep's customer is refused (the pages and the API answer 404 before it gets here)
    with pytest.raises(NotPermitted):
        follow_up_log(
            actor=other_rep, customer=debtor, kind="call", outcome="reached", happened_on=dt.date(2025, 2, 12)
        )
    with pytest.raises(DomainError) as refused:
        follow_up_log(actor=rep, customer=debtor, kind="fax", outcome="reached", happened_on=dt.date(2025, 2, 12))
    assert refused.value.field == "kind"
    assert FollowUp.objects.count() == 1


def test_completing_a_task(company, policy, debtor, rep):
    dunning_run(company=company, as_of=dt.date(2025, 2, 25))
    task = CollectionTask.objects.get()
    task_complete(actor=rep, task=task)
    task.refresh_from_db()
    assert task.done_by == rep
    with pytest.raises(DomainError):
        task_complete(actor=rep, task=task)
