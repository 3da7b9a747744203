"""The admin shows every business record and edits none of them."""

import datetime as dt

import pytest
from django.urls import reverse

from huikuan.contracts.models import Contract, Installment
from huikuan.customers.models import Customer
from huikuan.receivables.models import Allocation, Receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("root", "admin", is_superuser=True, is_staff=True))
    return client


def test_every_admin_list_and_record_page_loads(admin_client, make_customer, make_contract, manager):
    # given
    from huikuan.receivables.services.allocations import receipt_auto_allocate
    from huikuan.receivables.services.receipts import receipt_create

    customer = make_customer()
    make_contract(customer, [("100.00", dt.date(2025, 2, 1))])
    receipt = receipt_create(actor=manager, customer=customer, received_on=dt.date(2025, 2, 2), amount=100)
    receipt_auto_allocate(actor=manager, receipt=receipt)
    # when / then
    for model in (Customer, Contract, Installment, Receipt, Allocation):
        meta = model._meta
        assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
        obj = model.objects.first()
        assert (
            admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])).status_code
            == 200
        )
    assert admin_client.get("/admin/").status_code == 200


def test_posted_receipts_cannot_be_added_or_deleted_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:receivables_receipt_add")).status_code == 403
