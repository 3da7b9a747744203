"""Shared fixtures: a company, one user per role, and builders for customers and contracts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from huikuan.accounts.models import Company, Team, User
from huikuan.accounts.roles import DEFAULT_SCOPE, Role, Scope


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher costs ~0.2 s per user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default():
    """Tests assert English messages unless they switch language themselves."""
    with translation.override("en"):
        yield


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://... (CI runs it)")


@pytest.fixture
def company(db):
    return Company.objects.create(code="HQ", name="上海总部有限公司")


@pytest.fixture
def make_user(company):
    def make(username: str, role: str = Role.SALES_REP, *, scope: str | None = None, team=None, **extra) -> User:
        return User.objects.create_user(
            username,
            password="test-pass-123",
            role=role,
            scope=scope or DEFAULT_SCOPE[role],
            company=extra.pop("company", company),
            team=team,
            **extra,
        )

    return make


@pytest.fixture
def team(company):
    return Team.objects.create(company=company, name="华东销售部")


@pytest.fixture
def manager(make_user):
    return make_user("manager", Role.FINANCE_MANAGER)


@pytest.fixture
def clerk(make_user):
    return make_user("clerk", Role.AR_CLERK)


@pytest.fixture
def rep(make_user, team):
    return make_user("rep", Role.SALES_REP, team=team)


@pytest.fixture
def other_rep(make_user, team):
    return make_user("other_rep", Role.SALES_REP, team=team)


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def team_lead(make_user, team):
    return make_user("lead", Role.SALES_REP, scope=Scope.TEAM, team=team)


@pytest.fixture
def make_customer(company, manager):
    from huikuan.customers.services import customer_create

    counter = iter(range(1, 10_000))

    def make(owner=None, **kwargs):
        kwargs.setdefault("name", f"客户{next(counter)}有限公司")
        return customer_create(actor=manager, company=company, owner=owner or manager, **kwargs)

    return make


@pytest.fixture
def make_contract(manager):
    """An active contract with a hand-entered plan: ``plan`` is [(amount, due date), ...]."""
    from huikuan.contracts.services import contract_activate, contract_create, contract_set_installments

    def make(customer, plan, *, signed_on=dt.date(2025, 1, 10), currency="CNY", activate=True, **kwargs):
        total = sum(Decimal(a) for a, _due in plan)
        contract = contract_create(
            actor=manager,
            customer=customer,
            title=kwargs.pop("title", "设备采购合同"),
            signed_on=signed_on,
            amount=total,
            currency=currency,
            **kwargs,
        )
        contract_set_installments(
            actor=manager,
            contract=contract,
            installments=[{"amount": Decimal(a), "due_date": due} for a, due in plan],
        )
        if activate:
            contract_activate(actor=manager, contract=contract)
        contract.refresh_from_db()
        return contract

    return make


@pytest.fixture
def api_client(db):
    """A DRF test client logged in as the given user (token auth, as integrations use). It asks for
    English, since LocaleMiddleware would otherwise answer in LANGUAGE_CODE (zh-hans); a test
    passes HTTP_ACCEPT_LANGUAGE to a request to change that."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user=None) -> APIClient:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if user is not None:
            token, _created = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def race():
    """Run callables in threads released together, each on its own database connection (real
    PostgreSQL concurrency); returns each one's result, or the exception it raised."""
    import threading

    from django.db import connections

    def run(*calls, timeout: float = 60):
        barrier = threading.Barrier(len(calls))
        results: list = [None] * len(calls)

        def one(index, call):
            try:
                barrier.wait(timeout=10)
                results[index] = call()
            except BaseException as error:  # noqa: BLE001 - the test inspects what each raised
                results[index] = error
            finally:
                connections.close_all()

        threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        return results

    return run
