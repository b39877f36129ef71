"""Page-number pagination: ``page`` and ``page_size`` (default 20, clamped to 100)."""

from rest_framework.pagination import PageNumberPagination


class StandardPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()  # "?page=last" is not a number: 404 like any other
