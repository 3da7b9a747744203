"""Receipt pages (list, entry, detail with the matching panel, reversals)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
