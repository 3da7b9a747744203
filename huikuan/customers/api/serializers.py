"""Customer API shapes: outputs render models, inputs only parse; the services decide."""

from __future__ import annotations

from rest_framework import serializers

from huikuan.accounts.models import User
from huikuan.accounts.selectors import users_visible_to
from huikuan.api.tools import VisiblePrimaryKeyRelatedField, money_input, money_output
from huikuan.customers.models import Contact, Customer, CustomerStatus, Tag
from huikuan.terms.models import PaymentTerms
from huikuan.terms.selectors import terms_visible_to


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "phone", "email", "is_primary"]
        read_only_fields = ["id"]


class CustomerOutputSerializer(serializers.ModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    contacts = ContactSerializer(many=True, read_only=True)
    credit_limit = money_output()

    class Meta:
        model = Customer
        fields = [
            "id",
            "code",
            "name",
            "tax_id",
            "address",
            "owner",
            "owner_username",
            "credit_limit",
            "default_terms",
            "status",
            "tags",
            "contacts",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CustomerUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    # Long enough for a code typed with spaces; the service validates the USCC itself.
    tax_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    owner = VisiblePrimaryKeyRelatedField(users_visible_to, User, required=False)
    credit_limit = money_input(required=False)
    default_terms = VisiblePrimaryKeyRelatedField(terms_visible_to, PaymentTerms, required=False, allow_null=True)
    status = serializers.ChoiceField(choices=CustomerStatus.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=100)
    contacts = ContactSerializer(many=True, required=False)


class CustomerCreateInputSerializer(CustomerUpdateInputSerializer):
    code = serializers.CharField(max_length=30, required=False, allow_blank=True)


class CustomerBalanceSerializer(serializers.Serializer):
    customer = serializers.IntegerField()
    as_of = serializers.DateField()
    currency = serializers.CharField(allow_null=True)
    open_installments = money_output()
    unapplied_cash = money_output()
    balance = money_output()
