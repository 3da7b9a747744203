"""The collection pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern, path

from huikuan.dunning.views import customer, fees, messages, policies, templates, worklist

urlpatterns: list[URLPattern] = [
    path("collections/", worklist.collections_worklist, name="collections_worklist"),
    path("collections/tasks/<int:pk>/done/", worklist.task_done, name="task_done"),
    path("customers/<int:pk>/collections/", customer.customer_collections_page, name="customer_collections"),
    path("collections/promises/<int:pk>/cancel/", customer.promise_cancel_page, name="promise_cancel"),
    path("collections/disputes/<int:pk>/resolve/", customer.dispute_resolve_page, name="dispute_resolve"),
    path("collections/messages/", messages.message_list, name="message_list"),
    path("collections/messages/<int:pk>/", messages.message_detail, name="message_detail"),
    path("collections/messages/<int:pk>/letter.pdf", messages.message_letter, name="message_letter"),
    path("collections/messages/<int:pk>/resend/", messages.message_resend_page, name="message_resend"),
    path("collections/inbox/", messages.inbox_page, name="inbox"),
    path("collections/fees/", fees.fee_list, name="fee_list"),
    path("collections/fees/<int:pk>/confirm/", fees.fee_confirm_page, name="fee_confirm"),
    path("collections/fees/<int:pk>/waive/", fees.fee_cancel_page, name="fee_waive"),
    path("collections/templates/", templates.template_list, name="template_list"),
    path("collections/templates/<str:key>/<str:language>/", templates.template_edit, name="template_edit"),
    path("collections/policies/", policies.policy_list, name="policy_list"),
    path("collections/policies/new/", policies.policy_edit, name="policy_create"),
    path("collections/policies/<int:pk>/", policies.policy_edit, name="policy_edit"),
]
