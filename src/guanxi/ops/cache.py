"""The Redis cache, failing open: while Redis is away the cache misses instead of failing.

Nothing in the cache is the only copy of anything (sessions and data live in the database), so a
Redis restart should cost speed, not requests. The API's rate limits are counted in the cache;
during an outage they are not enforced, which is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _fallback(operation: str, call: Callable[[], T], default: T) -> T:
    try:
        return call()
    except UNAVAILABLE as error:
        logger.warning(
            "cache unavailable, %s skipped", operation, extra={"error": type(error).__name__}
        )
        return default


class ResilientRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _fallback(
            "get", lambda: super(ResilientRedisCache, self).get(key, default, version), default
        )

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        _fallback(
            "set", lambda: super(ResilientRedisCache, self).set(key, value, timeout, version), None
        )

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return _fallback(
            "add", lambda: super(ResilientRedisCache, self).add(key, value, timeout, version), False
        )

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return _fallback(
            "touch", lambda: super(ResilientRedisCache, self).touch(key, timeout, version), False
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _fallback(
            "delete", lambda: super(ResilientRedisCache, self).delete(key, version), False
        )

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return _fallback(
            "get_many", lambda: super(ResilientRedisCache, self).get_many(keys, version), {}
        )

    def set_many(self, data: Any, timeout: Any = 300, version: int | None = None) -> list[Any]:
        return _fallback(
            "set_many",
            lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
            [],
        )

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        _fallback(
            "delete_many", lambda: super(ResilientRedisCache, self).delete_many(keys, version), None
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _fallback(
            "has_key", lambda: super(ResilientRedisCache, self).has_key(key, version), False
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return _fallback(
            "incr", lambda: super(ResilientRedisCache, self).incr(key, delta, version), delta
        )

    def clear(self) -> None:
        _fallback("clear", lambda: super(ResilientRedisCache, self).clear(), None)
