"""Sending the outbox to a real SMTP server and a real SMS endpoint on loopback: once each, retried
with backoff on a temporary refusal, failed with the reason on a permanent one."""

import datetime as dt
import hashlib
import hmac
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from huikuan.dunning.choices import Channel, MessageStatus
from huikuan.dunning.models import Message
from huikuan.dunning.services.outbox import STUCK_AFTER, message_resend, outbox_dispatch
from huikuan.dunning.services.run import dunning_run
from huikuan.dunning.texts import message_text

pytestmark = pytest.mark.django_db


def test_the_reminder_arrives_once(company, policy, debtor, mailbox, sms_inbox):
    # given the run of 14 Feb queued an email and a text for the customer
    dunning_run(company=company, as_of=dt.date(2025, 2, 14))

    # when the outbox is sent twice
    first = outbox_dispatch()
    second = outbox_dispatch()

    # then one email and one text arrived, and the log says sent
    assert first.as_dict() == {"sent": 2}
    assert second.as_dict() == {}
    assert len(mailbox.messages) == 1
    mail = mailbox.messages[0]
    assert mailbox.recipients == [["wang@jiafang.example.com"]]
    assert mail["Subject"].strip() == "逾期付款提醒：甲方科技有限公司"  # folded: the encoded word starts a line
    assert mail["From"] == "ar@huikuan.example.com"
    email_row = Message.objects.get(channel=Channel.EMAIL)
    assert mail["Message-ID"] == f"<huikuan-message-{email_row.pk}@huikuan.example.com>"
    assert "已逾期 4 天" in mail.get_content()
    assert email_row.status == MessageStatus.SENT
    assert email_row.attempts == 1
    assert email_row.sent_at is not None


def test_the_text_is_signed(company, policy, debtor, mailbox, sms_inbox):
    dunning_run(company=company, as_of=dt.date(2025, 2, 10))
    outbox_dispatch()

    [(headers, body)] = sms_inbox.posts
    payload = json.loads(body)
    sms = Message.objects.get(channel=Channel.SMS)
    assert payload["id"] == sms.pk
    assert payload["to"] == "13800000001"
    assert "甲方科技有限公司" in payload["text"]
    expected = hmac.new(b"shared-secret", body, hashlib.sha256).hexdigest()
    assert headers["X-Huikuan-Signature"] == f"sha256={expected}"
    assert headers["Idempotency-Key"] == f"huikuan-message-{sms.pk}"
    assert sms.status == MessageStatus.SENT


def test_the_letter_goes_as_a_pdf_in_chinese(company, policy, debtor, mailbox, sms_inbox):
    dunning_run(company=company, as_of=dt.date(2025, 3, 15))
    outbox_dispatch()

    [mail] = mailbox.messages
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "催收函" in text
    assert "甲方科技有限公司" in text
    assert "壹万元整" in text
    assert "SH-2025-001" in text


def test_a_temporary_refusal_is_retried_later_and_then_sent(company, policy, debtor, mailbox, sms_inbox):
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    mailbox.answer = "451 Greylisted, try again later"
    now = timezone.now()

    assert outbox_dispatch(now=now).as_dict() == {"retry": 1}
    message = Message.objects.get(channel=Channel.EMAIL)
    assert message.status == MessageStatus.QUEUED
    assert message.next_attempt_at == now + dt.timedelta(minutes=1)
    assert "451" in message.last_error
    # not due yet: nothing is tried
    assert outbox_dispatch(now=now + dt.timedelta(seconds=30)).as_dict() == {}

    mailbox.answer = None
    assert outbox_dispatch(now=now + dt.timedelta(minutes=2)).as_dict() == {"sent": 1}
    assert len(mailbox.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")


def test_a_permanent_refusal_fails_with_the_reason(company, policy, debtor, mailbox, sms_inbox):
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    mailbox.answer = "554 Transaction failed"

    assert outbox_dispatch().as_dict() == {"failed": 1}
    message = Message.objects.get(channel=Channel.EMAIL)
    assert message.status == MessageStatus.FAILED
    assert "554" in message.last_error


def test_a_server_that_stays_down_fails_after_the_last_attempt(company, policy, debtor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    now = timezone.now()
    results = []
    for hours in range(0, 80, 8):  # long enough for every backoff to pass
        results.append(outbox_dispatch(now=now + dt.timedelta(hours=hours)).as_dict())
    assert results[:6] == [{"retry": 1}] * 5 + [{"failed": 1}]
    message = Message.objects.get(channel=Channel.EMAIL)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 6)


def test_without_an_sms_provider_texts_are_written_to_files(company, policy, debtor, mailbox, settings, tmp_path):
    settings.HUIKUAN_SMS_URL, settings.HUIKUAN_SMS_FILE_PATH = "", str(tmp_path / "sms")
    dunning_run(company=company, as_of=dt.date(2025, 2, 10))
    assert outbox_dispatch().as_dict() == {"sent": 2}
    sms = Message.objects.get(channel=Channel.SMS)
    written = json.loads((tmp_path / "sms" / f"{sms.pk}.json").read_text(encoding="utf-8"))
    assert written == {"id": sms.pk, "to": "13800000001", "text": message_text(sms)[1]}


def test_an_sms_provider_that_refuses_fails_the_text(company, policy, debtor, mailbox, sms_inbox):
    sms_inbox.status = 400
    dunning_run(company=company, as_of=dt.date(2025, 2, 10))
    assert outbox_dispatch().as_dict() == {"sent": 1, "failed": 1}
    assert Message.objects.get(channel=Channel.SMS).last_error == "HTTP 400"


def test_an_sms_provider_that_is_down_is_retried(company, policy, debtor, mailbox, sms_inbox):
    sms_inbox.status = 503
    dunning_run(company=company, as_of=dt.date(2025, 2, 10))
    assert outbox_dispatch().as_dict() == {"sent": 1, "retry": 1}


def test_a_sender_that_died_leaves_the_message_unknown_until_resent(company, policy, debtor, mailbox, manager):
    # given a message claimed by a sender that then died (it never recorded the outcome)
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    message = Message.objects.get(channel=Channel.EMAIL)
    claimed = timezone.now() - STUCK_AFTER - dt.timedelta(minutes=1)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING, claimed_at=claimed, attempts=1)

    # when the outbox is sent: it is not sent again, but marked unknown
    assert outbox_dispatch().as_dict() == {"unknown": 1}
    assert mailbox.messages == []
    message.refresh_from_db()
    assert message.status == MessageStatus.UNKNOWN

    # then a person resends it, and it goes out
    message_resend(actor=manager, message=message)
    assert outbox_dispatch().as_dict() == {"sent": 1}
    assert len(mailbox.messages) == 1


def test_a_customer_without_an_email_gets_a_failed_message_in_the_log(company, policy, make_customer, make_contract):
    customer = make_customer(name="无邮箱公司", contacts=[{"name": "张三", "phone": "13900000000"}])
    make_contract(customer, [("500.00", dt.date(2025, 2, 10))])
    dunning_run(company=company, as_of=dt.date(2025, 2, 3))
    message = Message.objects.get(customer=customer)
    assert message.status == MessageStatus.FAILED
    # written in the company's language, as the customer's message is
    assert message.last_error == "该客户没有填写电子邮箱的联系人。"
