"""Let hypothesis-jsonschema 0.23 run on the installed Hypothesis.

hypothesis-jsonschema draws object properties with the old ``many(...).more()`` protocol;
Hypothesis 6.170 turned ``many`` into a context manager iterated with ``for``. This adapter
speaks the old protocol over the new class, so Schemathesis can generate request bodies.
Remove it once a hypothesis-jsonschema release follows the new protocol.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

from hypothesis.internal.conjecture import utils as conjecture_utils


class LegacyMany:
    """``more()`` / ``reject()`` over the iterator-style ``many``."""

    def __init__(self, data: Any, **sizes: Any) -> None:
        self._many = conjecture_utils.many(data, **sizes)
        self._many.__enter__()
        self._elements: Iterator[None] = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self._many.__exit__(None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


def install() -> None:
    from hypothesis_jsonschema import _from_schema

    if hasattr(conjecture_utils.many, "more"):
        return  # an older Hypothesis still speaks the old protocol itself
    _from_schema.cu = SimpleNamespace(many=LegacyMany)  # type: ignore[attr-defined]
