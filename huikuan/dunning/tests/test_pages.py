"""The collection pages through Django's client: what each role sees and may do, refusals that
change nothing, and scope by address."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from huikuan.dunning.choices import Channel, MessageStatus, PromiseStatus
from huikuan.dunning.models import (
    CollectionTask,
    CustomerDunning,
    Dispute,
    DunningPolicy,
    FollowUp,
    Message,
    PromiseToPay,
)
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.texts import message_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in():
    def sign_in(user):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def other_debtor(make_customer, make_contract, other_rep):
    customer = make_customer(owner=other_rep, name="乙方贸易有限公司")
    make_contract(customer, [("3000.00", dt.date(2025, 1, 20))])
    return customer


def test_the_worklist_ranks_overdue_customers_and_lists_my_tasks(
    signed_in, company, policy, debtor, other_debtor, rep, manager
):
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))
    # the rep sees their own customer and their task, not the other rep's customer
    page = signed_in(rep).get(reverse("collections_worklist"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "甲方科技有限公司" in text
    assert "乙方贸易有限公司" not in text
    assert "跟进 甲方科技有限公司" in text  # the +15 step's task, for the owner (titled in their language)
    # the manager sees both, the larger amount × days first
    text = signed_in(manager).get(reverse("collections_worklist")).content.decode()
    assert text.index("甲方科技有限公司") < text.index("乙方贸易有限公司")


def test_logging_a_call_from_the_customer_page(signed_in, debtor, rep):
    client = signed_in(rep)
    url = reverse("customer_collections", args=[debtor.pk])
    assert client.get(url).status_code == 200
    answer = client.post(
        url,
        {
            "action": "follow_up",
            "follow_up-kind": "call",
            "follow_up-outcome": "promised",
            "follow_up-happened_on": "2025-02-12",
            "follow_up-contact_name": "王经理",
            "follow_up-note": "下周付款",
        },
    )
    assert answer.status_code == 302
    assert FollowUp.objects.get().note == "下周付款"


def test_a_refused_promise_keeps_what_was_typed_and_saves_nothing(signed_in, debtor, rep):
    client = signed_in(rep)
    answer = client.post(
        reverse("customer_collections", args=[debtor.pk]),
        {
            "action": "promise",
            "promise-amount": "6000.00",
            "promise-currency": "CNY",
            "promise-made_on": "2025-02-12",
            "promise-promised_on": "2025-02-01",
        },
    )
    assert answer.status_code == 400
    assert "The promised date cannot be before the promise." in answer.content.decode()
    assert 'value="6000.00"' in answer.content.decode()
    assert not PromiseToPay.objects.exists()


def test_promise_dispute_and_settings_forms(signed_in, debtor, rep, collector):
    client = signed_in(rep)
    url = reverse("customer_collections", args=[debtor.pk])
    first = debtor.installments.get(sequence=1)
    assert (
        client.post(
            url,
            {
                "action": "promise",
                "promise-amount": "1000",
                "promise-currency": "CNY",
                "promise-made_on": "2025-02-12",
                "promise-promised_on": "2025-02-20",
                "promise-installments": [str(first.pk)],
            },
        ).status_code
        == 302
    )
    assert list(PromiseToPay.objects.get().installments.all()) == [first]
    assert (
        client.post(
            url,
            {
                "action": "dispute",
                "dispute-installments": [str(first.pk)],
                "dispute-amount": "500",
                "dispute-reason": "数量不符",
                "dispute-opened_on": "2025-02-12",
            },
        ).status_code
        == 302
    )
    assert Dispute.objects.get().amount == 500
    assert (
        client.post(
            url,
            {
                "action": "settings",
                "settings-collector": str(collector.pk),
                "settings-paused_until": "2025-03-01",
                "settings-pause_reason": "春节",
            },
        ).status_code
        == 302
    )
    row = CustomerDunning.objects.get(customer=debtor)
    assert (row.collector, row.paused_until) == (collector, dt.date(2025, 3, 1))
    page = client.get(url).content.decode()
    assert "Paused until 2025-03-01" in page


def test_another_reps_customer_is_not_found_by_address(signed_in, debtor, other_rep):
    client = signed_in(other_rep)
    url = reverse("customer_collections", args=[debtor.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "follow_up"}).status_code == 404


def test_an_auditor_reads_but_may_not_log(signed_in, debtor, auditor):
    client = signed_in(auditor)
    url = reverse("customer_collections", args=[debtor.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Log a call or visit" not in page.content.decode()
    answer = client.post(
        url,
        {
            "action": "follow_up",
            "follow_up-kind": "call",
            "follow_up-outcome": "reached",
            "follow_up-happened_on": "2025-02-12",
        },
    )
    assert answer.status_code == 403
    assert not FollowUp.objects.exists()


def test_task_done_and_its_scope(signed_in, company, policy, debtor, rep, other_rep):
    dunning_run(company=company, as_of=dt.date(2025, 2, 25))
    task = CollectionTask.objects.get()
    assert signed_in(other_rep).post(reverse("task_done", args=[task.pk])).status_code == 404
    answer = signed_in(rep).post(reverse("task_done", args=[task.pk]), {"next": "https://evil.example.com/"})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("collections_worklist")  # never to another host
    task.refresh_from_db()
    assert task.status == "done"


def test_message_log_preview_letter_and_resend(signed_in, company, policy, debtor, manager, other_rep):
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))
    email = Message.objects.get(channel=Channel.EMAIL)
    client = signed_in(manager)
    listing = client.get(reverse("message_list"), {"channel": "email"})
    assert listing.status_code == 200
    assert message_text(email)[0] in listing.content.decode()
    detail = client.get(reverse("message_detail", args=[email.pk])).content.decode()
    assert "已逾期 33 天" in detail
    letter = client.get(reverse("message_letter", args=[email.pk]))
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    # only a failed or unknown message is sent again
    assert client.post(reverse("message_resend", args=[email.pk])).status_code == 302
    email.refresh_from_db()
    assert email.status == MessageStatus.QUEUED
    Message.objects.filter(pk=email.pk).update(status=MessageStatus.FAILED)
    client.post(reverse("message_resend", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == MessageStatus.QUEUED
    # another rep finds neither the message nor its letter
    other = signed_in(other_rep)
    assert other.get(reverse("message_detail", args=[email.pk])).status_code == 404
    assert other.get(reverse("message_letter", args=[email.pk])).status_code == 404
    assert message_text(email)[0] not in other.get(reverse("message_list")).content.decode()


def test_the_inbox_counts_unread_notices(signed_in, company, policy, debtor, rep):
    dunning_run(company=company, as_of=dt.date(2025, 2, 14))  # +3: notify the owner
    client = signed_in(rep)
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="inbox"' in home
    notice = Message.objects.get(channel=Channel.IN_APP, kind="owner_notice")
    page = client.get(reverse("inbox")).content.decode()
    assert notice.subject in page
    client.get(reverse("message_detail", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_policies_are_set_by_finance(signed_in, company, policy, rep, manager):
    assert signed_in(rep).get(reverse("policy_list")).status_code == 200
    assert signed_in(rep).get(reverse("policy_edit", args=[policy.pk])).status_code == 403
    client = signed_in(manager)
    form = {
        "name": "大客户",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-0-days": "5",
        "steps-0-name": "提醒",
        "steps-0-email_customer": "on",
        "steps-1-days": "30",
        "steps-1-name": "电话",
        "steps-1-task_for": "owner",
    }
    assert client.post(reverse("policy_create"), form).status_code == 302
    created = DunningPolicy.objects.get(name="大客户")
    assert [(step.days, step.name) for step in created.steps.all()] == [(5, "提醒"), (30, "电话")]
    # a step that does nothing is refused on its row, and nothing changes
    bad = form | {"steps-1-task_for": "", "name": "坏的"}
    answer = client.post(reverse("policy_create"), bad)
    assert answer.status_code == 400
    assert "A step must do at least one thing." in answer.content.decode()
    assert not DunningPolicy.objects.filter(name="坏的").exists()


def test_promise_cancel_and_dispute_resolve_pages(signed_in, debtor, rep):
    from huikuan.dunning.services.collection import dispute_open, promise_record

    first = debtor.installments.get(sequence=1)
    promise = promise_record(
        actor=rep, customer=debtor, amount="100", made_on=dt.date(2025, 2, 12), promised_on=dt.date(2025, 2, 20)
    )
    dispute = dispute_open(
        actor=rep, customer=debtor, installments=[first], reason="x", amount="1", opened_on=dt.date(2025, 2, 1)
    )
    client = signed_in(rep)
    client.post(reverse("promise_cancel", args=[promise.pk]), {"cancel-reason": "记错了"})
    client.post(
        reverse("dispute_resolve", args=[dispute.pk]),
        {"resolve-resolution": "已澄清", "resolve-resolved_on": "2025-02-10"},
    )
    promise.refresh_from_db()
    dispute.refresh_from_db()
    assert promise.status == PromiseStatus.CANCELLED
    assert dispute.status == "resolved"


def test_finance_confirms_or_waives_fees(signed_in, company, manager, debtor, rep):
    from huikuan.dunning.models import DunningFee
    from huikuan.dunning.services.policies import policy_save

    policy_save(
        actor=manager,
        company=company,
        name="收费",
        steps=[{"days": 10, "name": "手续费", "email_customer": True, "fee_kind": "fixed", "fee_value": "50"}],
        is_default=True,
    )
    dunning_run(company=company, as_of=dt.date(2025, 3, 25))  # both installments: one fee of 50.00
    fee = DunningFee.objects.get()
    # the rep sees it, may not decide
    page = signed_in(rep).get(reverse("fee_list")).content.decode()
    assert "手续费" in page
    assert reverse("fee_confirm", args=[fee.pk]) not in page
    assert signed_in(rep).post(reverse("fee_confirm", args=[fee.pk])).status_code == 403
    # finance waives without a reason: refused; then confirms
    client = signed_in(manager)
    client.post(reverse("fee_waive", args=[fee.pk]), {"waive-reason": ""})
    fee.refresh_from_db()
    assert fee.status == "proposed"
    client.post(reverse("fee_confirm", args=[fee.pk]))
    fee.refresh_from_db()
    assert fee.status == "confirmed"
    assert fee.contract.installments.get().amount == 50
    assert fee.contract.number in client.get(reverse("customer_collections", args=[debtor.pk])).content.decode()


def test_finance_rewords_a_template_with_a_preview(signed_in, company, policy, debtor, manager, rep):
    from huikuan.dunning.models import MessageTemplate

    url = reverse("template_edit", args=["customer_email", "zh-hans"])
    assert "示例客户有限公司" in signed_in(rep).get(url).content.decode()  # the preview
    assert signed_in(rep).post(url, {"subject": "x", "body": "y"}).status_code == 403
    client = signed_in(manager)
    # a template that does not work is refused on its field, nothing saved
    broken = client.post(url, {"subject": "催款：{{ customer }}", "body": "{% for item in items %}"})
    assert broken.status_code == 400
    assert "The template has an error" in broken.content.decode()
    assert not MessageTemplate.objects.exists()
    client.post(url, {"subject": "催款：{{ customer }}", "body": "{{ customer }}，请付 {{ totals.0.amount }} 元。"})
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    email = Message.objects.get(channel=Channel.EMAIL)
    assert message_text(email) == ("催款：甲方科技有限公司", "甲方科技有限公司，请付 6,000.00 元。\n")
    # and back to the default
    client.post(url, {"reset": "1"})
    assert not MessageTemplate.objects.exists()
    # an unknown message or language is not a page
    assert client.get(reverse("template_edit", args=["nope", "zh-hans"])).status_code == 404
