"""The customers pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern, path

from huikuan.customers import views

urlpatterns: list[URLPattern] = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create, name="customer_create"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
]
