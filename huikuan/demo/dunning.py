"""The demo company's dunning: the usual ladder as its default policy, the collector on every third
customer, and a first run as of today, so that later runs (``huikuan dunning run --date`` a few weeks
ahead) show only what newly falls due."""

from __future__ import annotations

from huikuan.accounts.models import Company
from huikuan.core.dates import today
from huikuan.customers.models import Customer
from huikuan.demo.company import Staff
from huikuan.dunning.models import DunningPolicy
from huikuan.dunning.services.policies import customer_dunning_set, policy_save
from huikuan.dunning.services.run import RunReport, dunning_run

LADDER = [
    {"days": -7, "name": "到期前提醒", "email_customer": True},
    {"days": 0, "name": "到期日提醒", "email_customer": True, "notify_owner": True},
    {"days": 3, "name": "逾期提醒", "email_customer": True, "sms_customer": True},
    {"days": 15, "name": "电话跟进", "task_for": "collector", "notify_owner": True},
    {"days": 30, "name": "催收函", "email_customer": True, "letter": True, "notify_owner": True},
    {"days": 60, "name": "升级财务经理", "escalate": True, "credit_hold": True, "task_for": "owner"},
    {"days": 90, "name": "移交法务", "is_final": True, "escalate": True, "letter": True},
]


def create_dunning(company: Company, staff: Staff) -> DunningPolicy:
    policy = policy_save(
        actor=staff.finance, company=company, name="标准催收", steps=LADDER, is_default=True, working_days_only=True
    )
    for customer in Customer.objects.filter(company=company).order_by("pk")[::3]:
        customer_dunning_set(actor=staff.finance, customer=customer, collector=staff.collector)
    return policy


def first_run(company: Company) -> RunReport:
    return dunning_run(company=company, as_of=today(), source="demo")
