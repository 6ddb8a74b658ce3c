"""Cursor pagination: each page costs the same however deep (no OFFSET), and rows added meanwhile are not skipped."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class IdCursorPagination(CursorPagination):
    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
