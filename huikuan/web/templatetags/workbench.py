"""Template helpers of the workbench: amounts, query strings, form fields."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.forms import BoundField
from django.http import QueryDict
from django.utils.formats import date_format

from huikuan.core import money

register = template.Library()


@register.filter
def amount(value: Any) -> str:
    """An amount with thousands separators and two places: 1,234,567.80 (the same in both
    languages: Chinese finance writes amounts this way too)."""
    if value is None or value == "":
        return ""
    return money.display(value)


@register.filter(expects_localtime=True)
def day(value: Any) -> str:
    """A date as YYYY-MM-DD, in both languages (what finance users type and sort by)."""
    if isinstance(value, dt.datetime):
        return date_format(value, "Y-m-d H:i")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


@register.filter
def cell(value: Any) -> str:
    """A list cell: dates as ISO, amounts with separators, the rest as text."""
    if isinstance(value, Decimal):
        return amount(value)
    if isinstance(value, dt.date):
        return day(value)
    if value is None:
        return ""
    return str(value)


@register.simple_tag(takes_context=True)
def query(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with ``changes`` (None or "" removes a key), starting with '?'."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("web/_field.html")
def field(bound: BoundField, **options: Any) -> dict[str, Any]:
    return {"field": bound, **options}


@register.filter
def percent(value: Any) -> str:
    if value is None:
        return ""
    return f"{Decimal(value) * 100:.1f}%"
