"""Page-number pagination of every API list."""

from rest_framework.pagination import PageNumberPagination

from huikuan.core.paging import IdsFirstPaginator


class Pagination(PageNumberPagination):
    django_paginator_class = IdsFirstPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
