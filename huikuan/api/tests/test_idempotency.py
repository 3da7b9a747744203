"""POST /receipts/ with an Idempotency-Key: a retry replays the first answer and creates nothing."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from huikuan.api import idempotency
from huikuan.core.models import IdempotencyRecord
from huikuan.receivables.models import Receipt


@pytest.fixture
def body(rep_book):
    return {"customer": rep_book.customer.pk, "received_on": "2025-03-05", "amount": "3900.00", "memo": "第二期"}


def post(client, body, key, **extra):
    return client.post("/api/v1/receipts/", body, format="json", HTTP_IDEMPOTENCY_KEY=key, **extra)


def test_same_key_twice_creates_one_receipt_and_replays_the_answer(api_client, clerk, body):
    # given
    client = api_client(clerk)
    first = post(client, body, "bank-2025-03-05-001")
    # when
    again = post(client, dict(reversed(list(body.items()))), "bank-2025-03-05-001")
    # then
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Receipt.objects.filter(amount=Decimal("3900.00")).count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.user, record.scope, record.key, record.status_code) == (
        clerk,
        "receipts.create",
        "bank-2025-03-05-001",
        201,
    )
    assert record.request_hash == idempotency.request_hash(body)


def test_same_key_with_another_body_is_422(api_client, clerk, body):
    # given
    client = api_client(clerk)
    post(client, body, "k-1")
    # when
    response = post(client, {**body, "amount": "3900.10"}, "k-1")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "different request" in response.json()["message"]
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 1


def test_keys_are_per_user(api_client, clerk, manager, body):
    # when
    by_clerk = post(api_client(clerk), body, "k-1")
    by_manager = post(api_client(manager), body, "k-1")
    # then
    assert by_clerk.json()["id"] != by_manager.json()["id"]
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 2


def test_without_a_key_every_post_creates(api_client, clerk, body):
    # given
    client = api_client(clerk)
    # when
    client.post("/api/v1/receipts/", body, format="json")
    client.post("/api/v1/receipts/", body, format="json")
    # then
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 2
    assert IdempotencyRecord.objects.count() == 0


def test_a_refused_request_is_not_stored_so_a_corrected_retry_runs(api_client, clerk, body):
    # given
    client = api_client(clerk)
    refused = post(client, {**body, "amount": "-1"}, "k-1")
    # when
    corrected = post(client, body, "k-1")
    # then
    assert refused.status_code == 400
    assert corrected.status_code == 201
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 1


def test_an_overlong_key_is_refused(api_client, clerk, body):
    # when
    response = post(api_client(clerk), body, "k" * 256)
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_idempotency_key"
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 0


def test_a_concurrent_duplicate_rolls_back_and_replays(api_client, clerk, body, monkeypatch):
    # given: the first request has committed; the second looked for the key before that commit
    client = api_client(clerk)
    first = post(client, body, "k-race")
    real_find = idempotency._find_record
    lookups = []

    def find_too_early(**kwargs):
        lookups.append(kwargs["key"])
        return None if len(lookups) == 1 else real_find(**kwargs)

    monkeypatch.setattr(idempotency, "_find_record", find_too_early)
    # when: it creates its receipt, then hits the unique constraint on the key
    second = post(client, body, "k-race")
    # then
    assert lookups == ["k-race", "k-race"]  # looked again after the IntegrityError
    assert second.status_code == 201
    assert second.json() == first.json()
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 1
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_threads_with_one_key_make_one_receipt(postgres_only, api_client, clerk, body):
    # given
    barrier = threading.Barrier(2)
    responses = []

    def send() -> None:
        try:
            client = api_client(clerk)
            barrier.wait()
            responses.append(post(client, body, "k-threads"))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Receipt.objects.filter(received_on="2025-03-05").count() == 1
