"""The terms pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern, path

from huikuan.terms import views

urlpatterns: list[URLPattern] = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/terms/new/", views.terms_create_view, name="terms_create"),
    path("settings/terms/preview/", views.terms_preview_view, name="terms_preview"),
    path("settings/terms/<int:pk>/", views.terms_edit, name="terms_edit"),
]
