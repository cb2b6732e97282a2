"""Every API list of confidential records registers one list read (DOC-4; 000 §20.2).

The page a list answers with is remembered when it is cut (`paginate_queryset`) and
registered when the paginated response is built (`get_paginated_response`), that is after the
serializer ran and every permission check passed: a refused or malformed request (400, 403,
404) never reaches that point and registers nothing, and a register that is unavailable turns
the answer into 503 (guanxi.api.errors) instead of the records. A view registers the records
of exactly the page it returns, with the request's query string as the query.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from django.db.models import Model, QuerySet
from rest_framework.response import Response

from guanxi.access.lists import register_list
from guanxi.access.models import Channel
from guanxi.access.scope import acting_person


class RegistersListReads:
    """Mixin for a DRF generic view: its paginated list registers the page it returns.

    Set `registers_lists = False` (with the reason beside it) for a list that holds no
    confidential records; override `listed_records` when the page's rows are not the records
    themselves (the archive review's rows wrap customers). `unit_field` is the scope's path to
    the owning unit, the same the view's queryset is scoped by.
    """

    registers_lists: ClassVar[bool] = True
    unit_field: ClassVar[str] = "owning_unit"
    _listed_page: Sequence[Any] | None = None

    def paginate_queryset(self, queryset: QuerySet[Any]) -> list[Any] | None:
        page: list[Any] | None = super().paginate_queryset(queryset)  # type: ignore[misc]
        self._listed_page = page
        return page

    def listed_records(self, page: Sequence[Any]) -> list[Model]:
        """The records a page of rows shows (the rows themselves unless a view says otherwise)."""
        return list(page)

    def get_paginated_response(self, data: Any) -> Response:
        response: Response = super().get_paginated_response(data)  # type: ignore[misc]
        self.register_listed()
        return response

    def register_listed(self) -> int:
        """Register the page remembered by `paginate_queryset`, once; entries written."""
        page, self._listed_page = self._listed_page, None
        if not self.registers_lists or not page:
            return 0
        request = self.request  # type: ignore[attr-defined]
        return register_list(
            actor=acting_person(request.user),
            objects=self.listed_records(page),
            channel=Channel.API,
            request=request._request,
            unit_field=self.unit_field,
        )


__all__ = ["RegistersListReads"]
