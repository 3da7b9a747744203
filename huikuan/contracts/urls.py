"""The contracts pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern, path

from huikuan.contracts.views import detail, editing, listing, plan

urlpatterns: list[URLPattern] = [
    path("contracts/", listing.contract_list, name="contract_list"),
    path("contracts/new/", editing.contract_create_view, name="contract_create"),
    path("contracts/terms-preview/", plan.contract_terms_preview, name="contract_terms_preview"),
    path("contracts/<int:pk>/", detail.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", editing.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/plan/", plan.contract_plan, name="contract_plan"),
    path("contracts/<int:pk>/plan/apply/", plan.contract_plan_apply, name="contract_plan_apply"),
    path("contracts/<int:pk>/plan/installments/", plan.contract_plan_set, name="contract_plan_set"),
    path("contracts/<int:pk>/plan/check/", plan.contract_plan_check, name="contract_plan_check"),
    path("contracts/<int:pk>/milestone/", detail.contract_milestone, name="contract_milestone"),
    path("contracts/<int:pk>/activate/", detail.contract_activate_view, name="contract_activate"),
    path("contracts/<int:pk>/terminate/", detail.contract_terminate_view, name="contract_terminate"),
    path("contracts/<int:pk>/cancel/", detail.contract_cancel_view, name="contract_cancel"),
]
