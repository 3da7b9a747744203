"""The demo company, its people and its payment terms templates: shared by the service-driven
demo and the bulk loader."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password

from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.roles import Role, Scope
from huikuan.terms.choices import AmountKind, DueRule, MilestoneKind, Period
from huikuan.terms.models import PaymentTerms
from huikuan.terms.services import terms_create

DEMO_PASSWORD = "huikuan-demo"  # noqa: S105 - printed to the person who asked for a demo
COMPANY_CODE = "DEMO"
COMPANY_NAME = "上海汇通智能装备有限公司"
COMPANY_TAX_ID = "91310115MA1K3YJ80H"


@dataclass
class Staff:
    """The demo company's users by what they do."""

    admin: User
    finance: User
    clerk: User
    collector: User
    auditor: User
    leads: list[User] = field(default_factory=list)
    reps: list[User] = field(default_factory=list)

    @property
    def owners(self) -> list[User]:
        """Who may own customers: every rep, and the team leads, who keep a few key accounts."""
        return self.reps + self.leads


# username, role, scope, team index (None: no team), surname, given name
USERS: tuple[tuple[str, str, str, int | None, str, str], ...] = (
    ("admin", Role.ADMIN, Scope.GROUP, None, "系统", "管理员"),
    ("finance", Role.FINANCE_MANAGER, Scope.COMPANY, None, "周", "敏"),
    ("clerk", Role.AR_CLERK, Scope.COMPANY, None, "陈", "静"),
    ("collector", Role.COLLECTOR, Scope.COMPANY, None, "刘", "洋"),
    ("east_lead", Role.SALES_REP, Scope.TEAM, 0, "王", "建华"),
    ("east_rep1", Role.SALES_REP, Scope.OWN, 0, "李", "强"),
    ("east_rep2", Role.SALES_REP, Scope.OWN, 0, "张", "婷"),
    ("east_rep3", Role.SALES_REP, Scope.OWN, 0, "赵", "磊"),
    ("south_lead", Role.SALES_REP, Scope.TEAM, 1, "黄", "志强"),
    ("south_rep1", Role.SALES_REP, Scope.OWN, 1, "吴", "欣"),
    ("south_rep2", Role.SALES_REP, Scope.OWN, 1, "郑", "浩"),
    ("south_rep3", Role.SALES_REP, Scope.OWN, 1, "林", "雪"),
    ("auditor", Role.AUDITOR, Scope.COMPANY, None, "孙", "博"),
)
TEAM_NAMES = ("华东销售部", "华南销售部")


def _percent(value: str, rule: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"amount_kind": AmountKind.PERCENT, "percent": Decimal(value), "due_rule": rule, "label": label, **extra}


# key, name, description, whole yuan, lines
TERMS: tuple[tuple[str, str, str, bool, list[dict[str, Any]]], ...] = (
    (
        "project",
        "30% 预付 / 60% 验收后30天 / 10% 质保金",
        "设备项目常用：签约预付30%，验收后30天付60%，10%质保金验收满12个月后支付。",
        True,
        [
            _percent("30", DueRule.AFTER_BASE, "预付款"),
            _percent("60", DueRule.AFTER_MILESTONE, "验收款", milestone=MilestoneKind.ACCEPTANCE, days=30),
            _percent(
                "10",
                DueRule.AFTER_MILESTONE,
                "质保金",
                milestone=MilestoneKind.ACCEPTANCE,
                months=12,
                is_retention=True,
            ),
        ],
    ),
    (
        "delivery_split",
        "50% 预付 / 50% 发货前付清",
        "定制产品：签约付50%，发货当日付清余款。",
        True,
        [
            _percent("50", DueRule.AFTER_BASE, "预付款"),
            _percent("50", DueRule.AFTER_MILESTONE, "发货款", milestone=MilestoneKind.DELIVERY),
        ],
    ),
    (
        "monthly_30",
        "月结30天",
        "当月发生，月末结账后30天内付款。",
        False,
        [_percent("100", DueRule.END_OF_MONTH, "货款", days=30)],
    ),
    (
        "next_month_15",
        "次月15日付款",
        "次月15日前付清当月货款。",
        False,
        [_percent("100", DueRule.DAY_OF_MONTH, "货款", day_of_month=15, months=1)],
    ),
    (
        "quarterly_4",
        "按季度分4期",
        "服务及维保合同：自签约起每季度付一期，共四期。",
        False,
        [_percent("100", DueRule.RECURRING, "服务费", period=Period.QUARTER, periods=4)],
    ),
    (
        "delivery_60",
        "100% 发货后60天",
        "发货后60天内付清全款。",
        False,
        [_percent("100", DueRule.AFTER_MILESTONE, "货款", milestone=MilestoneKind.DELIVERY, days=60)],
    ),
)


def create_company() -> Company:
    return Company.objects.create(code=COMPANY_CODE, name=COMPANY_NAME, tax_id=COMPANY_TAX_ID)


def create_staff(company: Company) -> Staff:
    """One user per role, two sales teams, all with the demo password."""
    teams = [Team.objects.create(company=company, name=name) for name in TEAM_NAMES]
    # One PBKDF2 hash for everyone: hashing a dozen times would cost seconds for the same password.
    password = make_password(DEMO_PASSWORD)
    users = {}
    for username, role, scope, team_index, surname, given in USERS:
        users[username] = User.objects.create(
            username=username,
            password=password,
            email=f"{username}@demo.huikuan.example",
            first_name=given,
            last_name=surname,
            role=role,
            scope=scope,
            company=company,
            team=None if team_index is None else teams[team_index],
            is_staff=True,
            is_superuser=role == Role.ADMIN,
        )
    return Staff(
        admin=users["admin"],
        finance=users["finance"],
        clerk=users["clerk"],
        collector=users["collector"],
        auditor=users["auditor"],
        leads=[users["east_lead"], users["south_lead"]],
        reps=[user for name, user in users.items() if "_rep" in name],
    )


def load_staff(company: Company) -> Staff:
    users = {user.username: user for user in User.objects.filter(company=company)}
    return Staff(
        admin=users["admin"],
        finance=users["finance"],
        clerk=users["clerk"],
        collector=users["collector"],
        auditor=users["auditor"],
        leads=[users["east_lead"], users["south_lead"]],
        reps=[user for name, user in sorted(users.items()) if "_rep" in name],
    )


def create_terms(company: Company, actor: User) -> dict[str, PaymentTerms]:
    return {
        key: terms_create(
            actor=actor, company=company, name=name, description=description, whole_units=whole, lines=lines
        )
        for key, name, description, whole, lines in TERMS
    }


def load_terms(company: Company) -> dict[str, PaymentTerms]:
    by_name = {terms.name: terms for terms in PaymentTerms.objects.filter(company=company)}
    return {key: by_name[name] for key, name, *_rest in TERMS}


def logins() -> list[tuple[str, str]]:
    """(username, role label) of every demo user, for the printed table."""
    labels = dict(Role.choices)
    scopes = dict(Scope.choices)
    return [(username, f"{labels[role]} ({scopes[scope]})") for username, role, scope, *_rest in USERS]
