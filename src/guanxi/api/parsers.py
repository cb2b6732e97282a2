"""A JSON parser with a nesting limit, so a hostile body is a clear 400, not a RecursionError.

Python's json module recurses once per level: `[[[[…]]]]` a few thousand deep raises
RecursionError, which DRF's parser does not catch (a 500). No request body of this API nests
deeper than a handful of levels; the limit (settings.API_JSON_MAX_DEPTH) leaves ample room.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

DEFAULT_MAX_DEPTH = 32


def max_depth() -> int:
    return int(getattr(settings, "API_JSON_MAX_DEPTH", DEFAULT_MAX_DEPTH))


def nesting_depth(value: Any) -> int:
    """How deeply lists and objects nest in `value` (a scalar is 0), without recursing."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if not isinstance(item, Mapping | list):
            continue
        deepest = max(deepest, level)
        children = item.values() if isinstance(item, Mapping) else item
        stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, refusing bodies nested deeper than the limit with a clear message."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        limit = max_depth()
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            depth = limit + 1
        else:
            depth = nesting_depth(data)
        if depth > limit:
            raise ParseError(
                _("The request body nests deeper than %(limit)s levels; send a flatter body.")
                % {"limit": limit}
            )
        return data
