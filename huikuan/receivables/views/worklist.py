"""Receivables worklist (应收明细)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
