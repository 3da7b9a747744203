"""No input produces a 500: every operation of the OpenAPI schema, fed generated valid and invalid
requests (schemathesis), as a finance manager over a small book of real records."""

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from huikuan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])


@pytest.fixture
def token(make_user, make_customer, make_contract):
    """A token of a finance manager, and records with small ids for the generated ids to hit."""
    from rest_framework.authtoken.models import Token

    from huikuan.receivables.services.allocations import receipt_auto_allocate
    from huikuan.receivables.services.receipts import receipt_create

    user = make_user("fuzzer", "finance_manager")
    customer = make_customer(owner=user)
    make_contract(customer, [("1000.00", dt.date(2025, 2, 1)), ("500.00", dt.date(2025, 3, 1))])
    receipt = receipt_create(actor=user, customer=customer, received_on=dt.date(2025, 2, 2), amount=800)
    receipt_auto_allocate(actor=user, receipt=receipt)
    return Token.objects.create(user=user).key


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes database connections after each request; in a test that would close
    the one holding the test's transaction (Django's own test client disconnects this too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_request_gets_a_server_error(case, token):
    # when
    response = case.call(headers={"Authorization": f"Token {token}", "Accept-Language": "en"})
    # then: a refusal is a 4xx with a code and a message, never a 500
    assert response.status_code < 500, (case.method, case.path, case.body, response.text[:300])
    if response.status_code >= 400 and response.headers.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert {"code", "message"} <= set(body), body
