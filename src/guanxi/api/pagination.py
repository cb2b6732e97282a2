"""Keyset (cursor) pagination in DRF's page format: `results`, `next`, `previous`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from guanxi.access.scope import scope_of
from guanxi.paging import KeysetPage, newest_ids_in_scope
from guanxi.params import INT64_MIN, int_param, parse_int


class KeysetPagination(CursorPagination):
    """Newest first. A view that sets `merge_unit_pages` (its list is the rows of its
    `unit_field` the reader's scope covers, perhaps narrowed further) has a forward page's ids
    picked from one (unit, id) index range per unit first, as the pages do
    (`keyset_page_in_units`), or for a unit reached through a join from the table's newest rows
    (`newest_ids_in_window`): SQLite would otherwise sort every row of a division's units to
    answer the first fifty."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """A page size that is not a whole number is refused (400); a large one is capped."""
        size = int_param(request.query_params, self.page_size_query_param, strict=True)
        return self.page_size if size is None else min(size, self.max_page_size)

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's cursor, its position checked: every ordering here is by a whole number."""
        cursor = super().decode_cursor(request)
        position = None if cursor is None else cursor.position
        if position is not None and parse_int(position, low=INT64_MIN) is None:
            raise NotFound(self.invalid_cursor_message)
        return cursor

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        narrowed = self._merged(queryset, request, view)
        return super().paginate_queryset(queryset if narrowed is None else narrowed, request, view)

    def _merged(
        self, queryset: QuerySet[Any, Any], request: Request, view: APIView | None
    ) -> QuerySet[Any, Any] | None:
        unit_field = getattr(view, "unit_field", "")
        if not getattr(view, "merge_unit_pages", False) or self.ordering != "-id":
            return None
        units = scope_of(request.user).unit_ids(getattr(view, "view_permission", ""))
        if units is None or not unit_field:
            return None
        cursor = self.decode_cursor(request)
        if cursor is not None and (cursor.reverse or cursor.offset):
            return None  # backwards or past equal keys: DRF's own way
        before = int(cursor.position) if cursor is not None and cursor.position else None
        size = self.get_page_size(request) or self.page_size
        ids = newest_ids_in_scope(
            queryset, unit_field=unit_field, unit_ids=units, before=before, limit=size + 1
        )
        if ids is None:
            return None
        # the page's rows (and the one after it) are exactly these; DRF pages over them
        return queryset.filter(pk__in=ids)


class SeqPagination(KeysetPagination):
    ordering = "-seq"


class PathPagination(KeysetPagination):
    ordering = "id"


class SortKeyPagination(BasePagination):
    """Keyset pages in an order other than the id (a sort key and the id in `cursor`), in DRF's
    page format. A subclass says how to cut one page (`cut`); paging, links and the schema
    are shared."""

    page_size = 50
    max_page_size = 200

    def cut(self, queryset: QuerySet[Any, Any], request: Request, size: int) -> KeysetPage[Any]:
        raise NotImplementedError

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any], request: Request, view: APIView | None = None
    ) -> list[Any] | None:
        size = int_param(request.query_params, "page_size", strict=True)
        size_value = None if size is None else min(size, self.max_page_size)
        page = self.cut(queryset, request, size_value or self.page_size)
        self.next_url = (
            replace_query_param(request.build_absolute_uri(), "cursor", str(page.next_after))
            if page.next_after is not None
            else None
        )
        return page.items

    def get_paginated_response(self, data: Any) -> Response:
        return Response({"next": self.next_url, "previous": None, "results": data})

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {"name": "page_size", "in": "query", "required": False, "schema": {"type": "integer"}},
        ]
