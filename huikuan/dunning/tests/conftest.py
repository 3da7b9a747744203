"""A company with the usual ladder, and a customer who owes two installments."""

import datetime as dt

import pytest

from huikuan.accounts.roles import Role
from huikuan.dunning.services.policies import policy_save

LADDER = [
    {"days": -7, "name": "到期前提醒", "email_customer": True},
    {"days": 0, "name": "到期日提醒", "email_customer": True, "sms_customer": True},
    {"days": 3, "name": "逾期通知", "email_customer": True, "notify_owner": True},
    {"days": 15, "name": "电话催收", "task_for": "collector"},
    {"days": 30, "name": "催收函", "email_customer": True, "letter": True, "escalate": True},
    {"days": 60, "name": "暂停信用", "credit_hold": True, "notify_owner": True},
    {"days": 90, "name": "移交法务", "is_final": True, "escalate": True},
]


@pytest.fixture(autouse=True)
def _texts_to_a_temporary_folder(settings, tmp_path):
    settings.HUIKUAN_SMS_URL, settings.HUIKUAN_SMS_FILE_PATH = "", str(tmp_path / "sms")


@pytest.fixture
def policy(manager, company):
    return policy_save(actor=manager, company=company, name="标准催收", steps=LADDER, is_default=True)


@pytest.fixture
def collector(make_user):
    return make_user("collector", Role.COLLECTOR)


@pytest.fixture
def debtor(make_customer, make_contract, rep):
    """A customer of ``rep`` with a contract of 6,000.00 due 10 Feb 2025 and 4,000.00 due 10 Mar 2025."""
    customer = make_customer(
        owner=rep,
        name="甲方科技有限公司",
        contacts=[{"name": "王经理", "email": "wang@jiafang.example.com", "phone": "13800000001", "is_primary": True}],
    )
    plan = [("6000.00", dt.date(2025, 2, 10)), ("4000.00", dt.date(2025, 3, 10))]
    make_contract(customer, plan, number="SH-2025-001")
    return customer


@pytest.fixture
def mailbox(settings):
    """A real SMTP server on loopback that Django's SMTP backend sends to."""
    from huikuan.dunning.tests.servers import Mailbox, start_smtp

    box = Mailbox()
    controller = start_smtp(box)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "ar@huikuan.example.com"
    yield box
    controller.stop()


@pytest.fixture
def sms_inbox(settings):
    """A real HTTP server on loopback playing the SMS provider."""
    from huikuan.dunning.tests.servers import SmsInbox, start_sms

    inbox = SmsInbox()
    server, url = start_sms(inbox)
    settings.HUIKUAN_SMS_URL, settings.HUIKUAN_SMS_SECRET = url, "shared-secret"
    yield inbox
    server.shutdown()
