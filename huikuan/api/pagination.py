"""Page-number pagination of every API list. ``page`` and ``page_size`` are read as strictly as
any other number (``core.numbers``): "1_0", "1e1" or " 2 " are refused with a 400 naming the
parameter, not read as 10 or 2.

``count`` is exact up to ``core.paging.COUNT_CAP`` rows (or the end of the page asked for);
past that the answer says ``"count_exact": false`` and ``count`` is the number of rows the list
has more than (core/paging.py says why). ``page=last`` counts exactly."""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from huikuan.core.numbers import NumberFormatError, parse_int
from huikuan.core.paging import COUNT_CAP, IdsFirstPaginator

NOT_A_PAGE = _("Enter a whole number from 1 with digits 0-9: no spaces, separators or exponents.")


def _positive(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        number = parse_int(raw)
    except NumberFormatError:
        number = 0
    if number < 1:
        raise ValidationError({name: [NOT_A_PAGE]})
    return number


class Pagination(PageNumberPagination):
    django_paginator_class = IdsFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int:
        size = _positive(request, self.page_size_query_param)
        return self.page_size if size is None else min(size, self.max_page_size)

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        raw = request.query_params.get(self.page_query_param)
        if raw in self.last_page_strings:
            return raw
        return _positive(request, self.page_query_param) or 1

    def get_paginated_response(self, data: Any) -> Response:
        # paginate_queryset, which DRF calls first, set the page from django_paginator_class
        paginator = cast("IdsFirstPaginator", cast("Page", self.page).paginator)
        return Response(
            {
                "count": paginator.shown_count,
                "count_exact": paginator.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        paged = super().get_paginated_response_schema(schema)
        paged["properties"]["count"]["description"] = (
            f"The number of rows, when count_exact; otherwise the list has more rows than this "
            f"(lists are counted up to {COUNT_CAP:,} rows, or to the end of the page asked for)."
        )
        paged["properties"] = {
            "count": paged["properties"]["count"],
            "count_exact": {
                "type": "boolean",
                "description": "False when the list has more rows than count (page=last counts them all).",
            },
            **{name: value for name, value in paged["properties"].items() if name != "count"},
        }
        paged["required"] = ["count", "count_exact", "results"]
        return paged
