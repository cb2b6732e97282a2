"""Keyset (cursor) pagination in DRF's page format: `results`, `next`, `previous`."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class SeqPagination(KeysetPagination):
    ordering = "-seq"


class PathPagination(KeysetPagination):
    ordering = "id"
