"""The terms pages' addresses (names are global: see huikuan/web/DESIGN.md)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
