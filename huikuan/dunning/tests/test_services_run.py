"""The daily run as dated scenarios: which steps fall due when, exactly once, grouped per customer."""

import datetime as dt
from decimal import Decimal

import pytest

from huikuan.customers.models import CustomerStatus
from huikuan.dunning.choices import Channel, MessageKind, MessageStatus, RunStatus
from huikuan.dunning.models import CollectionTask, CustomerDunning, DunningAction, DunningRun, Message
from huikuan.dunning.selectors import message_actions
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.texts import message_text
from huikuan.receivables.services.allocations import allocation_create
from huikuan.receivables.services.receipts import receipt_create

pytestmark = pytest.mark.django_db


def performed(customer):
    return sorted(
        (action.installment.sequence, action.step.days, action.performed_on)
        for action in DunningAction.objects.filter(customer=customer).select_related("installment", "step")
    )


def test_a_reminder_a_week_before_the_due_date_once(company, policy, debtor):
    # given the first installment falls due on 10 Feb 2025
    # when the run goes on 3 Feb, twice
    first = dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    second = dunning_run(company=company, as_of=dt.date(2025, 2, 3))

    # then the −7 step was performed once, for the first installment only, with one email
    assert performed(debtor) == [(1, -7, dt.date(2025, 2, 3))]
    # and the owner got a digest of what falls due within a week
    assert first.counts() == {"customers": 1, "installments": 1, "steps": 1, "messages_email": 1, "owner_digests": 1}
    assert second.counts() == {}
    email = Message.objects.get(channel=Channel.EMAIL)
    assert email.to_address == "wang@jiafang.example.com"
    assert email.status == MessageStatus.QUEUED
    assert message_text(email)[0] == "付款提醒：甲方科技有限公司"
    assert "合同 SH-2025-001：到期日 2025-02-10，未付 CNY 6,000.00" in message_text(email)[1]
    assert "合计：CNY 6,000.00（陆仟元整）" in message_text(email)[1]
    assert [action.step.days for action in message_actions(email)] == [-7]
    assert DunningRun.objects.filter(status=RunStatus.FINISHED).count() == 2


def test_nothing_before_the_first_step(company, policy, debtor):
    report = dunning_run(company=company, as_of=dt.date(2025, 2, 2))
    assert report.counts() == {}
    assert not DunningAction.objects.exists()


def test_steps_missed_while_the_worker_was_down_are_caught_up_in_one_message(company, policy, debtor):
    # given no run happened between 3 Feb and 14 Feb
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))

    # when the run goes on 14 Feb (first installment 4 days overdue)
    report = dunning_run(company=company, as_of=dt.date(2025, 2, 14))

    # then the due-date step and the +3 step are both performed, in one email, one text and one
    # notice to the owner
    assert performed(debtor) == [
        (1, -7, dt.date(2025, 2, 3)),
        (1, 0, dt.date(2025, 2, 14)),
        (1, 3, dt.date(2025, 2, 14)),
    ]
    assert report.counts() == {
        "customers": 1,
        "installments": 1,
        "steps": 2,
        "messages_email": 1,
        "messages_sms": 1,
        "messages_in_app": 1,
        "owner_digests": 1,
    }
    email = Message.objects.filter(channel=Channel.EMAIL).latest("pk")
    assert message_text(email)[0] == "逾期付款提醒：甲方科技有限公司"
    assert "已逾期 4 天" in message_text(email)[1]
    assert sorted(action.step.days for action in message_actions(email)) == [0, 3]
    sms = Message.objects.get(channel=Channel.SMS)
    assert sms.to_address == "13800000001"
    assert [action.step.days for action in message_actions(sms)] == [0]
    notice = Message.objects.get(channel=Channel.IN_APP, kind=MessageKind.OWNER_NOTICE)
    assert notice.recipient_user == debtor.owner
    assert notice.kind == MessageKind.OWNER_NOTICE
    assert notice.status == MessageStatus.SENT


def test_one_message_per_customer_lists_every_installment(company, policy, debtor):
    # on 15 Mar: the first installment is 33 days overdue, the second 5 days
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))

    emails = Message.objects.filter(channel=Channel.EMAIL)
    assert emails.count() == 1
    body = message_text(emails.get())[1]
    assert "到期日 2025-02-10，未付 CNY 6,000.00，已逾期 33 天" in body
    assert "到期日 2025-03-10，未付 CNY 4,000.00，已逾期 5 天" in body
    assert "合计：CNY 10,000.00（壹万元整）" in body
    assert emails.get().has_letter
    # the +15 step made one task for the owner (no collector is assigned) and +30 escalated
    task = CollectionTask.objects.get()
    assert task.assignee == debtor.owner
    assert task.due_on == dt.date(2025, 3, 15)
    assert Message.objects.filter(kind=MessageKind.ESCALATION).count() == 1  # the one finance manager


def test_the_collector_gets_the_task_when_assigned(company, policy, debtor, collector, manager):
    from huikuan.dunning.services.policies import customer_dunning_set

    customer_dunning_set(actor=manager, customer=debtor, collector=collector)
    dunning_run(company=company, as_of=dt.date(2025, 2, 25))
    assert CollectionTask.objects.get().assignee == collector


def test_paid_installments_are_not_dunned(company, policy, debtor, manager):
    first = debtor.installments.get(sequence=1)
    receipt = receipt_create(actor=manager, customer=debtor, received_on=dt.date(2025, 2, 1), amount=Decimal("6000.00"))
    allocation_create(actor=manager, receipt=receipt, installment=first, amount=Decimal("6000.00"))

    dunning_run(company=company, as_of=dt.date(2025, 3, 3))

    assert performed(debtor) == [(2, -7, dt.date(2025, 3, 3))]


def test_a_paused_customer_waits_until_the_date_then_catches_up(company, policy, debtor, manager):
    from huikuan.dunning.services.policies import customer_dunning_set

    customer_dunning_set(actor=manager, customer=debtor, paused_until=dt.date(2025, 2, 20), pause_reason="春节后付款")
    assert dunning_run(company=company, as_of=dt.date(2025, 2, 19)).counts() == {}

    dunning_run(company=company, as_of=dt.date(2025, 2, 20))
    assert [days for _seq, days, _on in performed(debtor)] == [-7, 0, 3]


def test_credit_hold_and_final_step(company, policy, debtor):
    dunning_run(company=company, as_of=dt.date(2025, 5, 12))  # first installment 91 days overdue
    debtor.refresh_from_db()
    assert debtor.status == CustomerStatus.ON_HOLD
    assert CustomerDunning.objects.get(customer=debtor).final_on == dt.date(2025, 5, 12)
    # the case is final: no automatic step afterwards, even for the second installment's later steps
    assert dunning_run(company=company, as_of=dt.date(2025, 7, 1)).counts() == {}


def test_dry_run_shows_and_changes_nothing(company, policy, debtor):
    report = dunning_run(company=company, as_of=dt.date(2025, 3, 15), dry_run=True)
    assert report.counts()["steps"] == 5 + 3  # 33 days overdue: −7 to +30; 5 days: −7 to +3
    assert report.run_id is None
    assert not DunningAction.objects.exists()
    assert not Message.objects.exists()
    assert not DunningRun.objects.exists()


def test_working_days_only_moves_a_step_past_the_national_day_holiday(manager, company, make_customer, make_contract):
    from huikuan.dunning.services.policies import policy_save

    policy_save(
        actor=manager,
        company=company,
        name="工作日",
        steps=[{"days": 7, "name": "逾期提醒", "email_customer": True}],
        is_default=True,
        working_days_only=True,
    )
    customer = make_customer(contacts=[{"name": "李", "email": "li@example.com"}])
    make_contract(customer, [("100.00", dt.date(2026, 9, 24))], signed_on=dt.date(2026, 9, 1))
    # due 24 Sep + 7 days = 1 Oct, the first day of the National Day holiday (1 to 7 Oct 2026)
    for day in range(1, 8):
        assert dunning_run(company=company, as_of=dt.date(2026, 10, day)).counts().get("steps") is None, day
    dunning_run(company=company, as_of=dt.date(2026, 10, 8))  # the first working day after it
    action = DunningAction.objects.get()
    assert (action.step_date, action.performed_on) == (dt.date(2026, 10, 8), dt.date(2026, 10, 8))


def test_a_weekend_makeup_working_day_counts_as_a_working_day():
    from huikuan.core.workdays import is_working_day, next_working_day

    assert is_working_day(dt.date(2026, 10, 10))  # a Saturday made a working day (调休)
    assert not is_working_day(dt.date(2026, 10, 3))
    assert next_working_day(dt.date(2026, 9, 26)) == dt.date(2026, 9, 28)
    # a year the calendar does not know yet: weekends only
    assert next_working_day(dt.date(2099, 1, 3)) == dt.date(2099, 1, 5)


def test_the_owners_digest_lists_what_falls_due_and_what_became_overdue_once(
    company, policy, debtor, make_customer, make_contract, rep, settings
):
    from huikuan.dunning.models import OwnerDigest

    settings.HUIKUAN_DIGEST_DAYS = 7
    rep.email = "rep@huikuan.example.com"
    rep.save()
    # 3 Mar: the second installment (10 Mar) falls due within a week; the first has been overdue
    # since 11 Feb, before the week a first digest looks back on
    dunning_run(company=company, as_of=dt.date(2025, 3, 3))
    dunning_run(company=company, as_of=dt.date(2025, 3, 3))
    digest = Message.objects.get(kind=MessageKind.OWNER_DIGEST, channel=Channel.IN_APP)
    assert digest.recipient_user == rep
    assert digest.subject == "您的客户：1 个即将到期，0 个新逾期（2025-03-03）"
    assert "甲方科技有限公司 SH-2025-001 #2: 2025-03-10 CNY 4,000.00" in digest.body
    assert Message.objects.get(kind=MessageKind.OWNER_DIGEST, channel=Channel.EMAIL).to_address == rep.email
    assert OwnerDigest.objects.count() == 1  # the second run wrote none

    # 12 Mar: the second installment became overdue (on 11 Mar) since the last digest
    dunning_run(company=company, as_of=dt.date(2025, 3, 12))
    latest = Message.objects.filter(kind=MessageKind.OWNER_DIGEST, channel=Channel.IN_APP).latest("pk")
    assert latest.subject == "您的客户：0 个即将到期，1 个新逾期（2025-03-12）"
    assert "新逾期 (1)" in latest.body


def test_finance_is_told_of_new_risk_alerts_once(company, policy, debtor, manager, make_customer, make_contract):
    from huikuan.reports.services import thresholds_set

    thresholds_set(actor=manager, company=company, overdue_days=30)
    # 15 Mar: the debtor's first installment is 33 days overdue: one new alert
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))
    notice = Message.objects.get(kind=MessageKind.RISK_ALERTS)
    assert notice.recipient_user == manager
    assert notice.subject == "2025-03-15 风险预警：新增 1 项"
    assert "甲方科技有限公司" in notice.body
    # the next day it is still raised, but not new: no notice
    dunning_run(company=company, as_of=dt.date(2025, 3, 16))
    assert Message.objects.filter(kind=MessageKind.RISK_ALERTS).count() == 1
    # another customer crosses the threshold: told of that one only
    other = make_customer(name="丙方公司")
    make_contract(other, [("100.00", dt.date(2025, 2, 13))])
    dunning_run(company=company, as_of=dt.date(2025, 3, 17))
    latest = Message.objects.filter(kind=MessageKind.RISK_ALERTS).latest("pk")
    assert "丙方公司" in latest.body
    assert "甲方科技有限公司" not in latest.body
