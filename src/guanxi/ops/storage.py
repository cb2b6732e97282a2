"""Static files for production: hashed names (cached for ever) with gzip and brotli copies.

The vendored libraries name source maps they do not ship; rewriting those references would fail
collectstatic, and browsers only fetch maps with developer tools open, so they are left as is.
"""

from __future__ import annotations

import os
from typing import Any

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(
    patterns: tuple[tuple[str, tuple[object, ...]], ...],
) -> tuple[tuple[str, tuple[object, ...]], ...]:
    kept = []
    for extension, rules in patterns:
        rest = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in str(rule if isinstance(rule, str) else rule[0])  # type: ignore[index]
        )
        if rest:
            kept.append((extension, rest))
    return tuple(kept)


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)

    def create_compressor(self, **kwargs: Any) -> Any:
        """gzip only unless GUANXI_STATIC_BROTLI=1: brotli at its best level costs a minute of
        CPU at every start for a few per cent on an intranet."""
        kwargs.setdefault("use_brotli", os.environ.get("GUANXI_STATIC_BROTLI") == "1")
        return super().create_compressor(**kwargs)
