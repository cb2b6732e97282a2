"""The Redis cache fails open: with Redis away, reads miss and writes are skipped, never a 500."""

from __future__ import annotations

import socket

import pytest

from guanxi.ops.cache import ResilientRedisCache


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends


def test_a_cache_whose_redis_is_down_misses_instead_of_failing() -> None:
    cache = ResilientRedisCache(
        f"redis://127.0.0.1:{_closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    assert cache.get("throttle_user_7", default=[]) == []
    cache.set("throttle_user_7", [1.0, 2.0])
    assert cache.add("k", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    assert cache.incr("n", 3) == 3


@pytest.mark.skipif(
    socket.socket().connect_ex(("127.0.0.1", 6379)) != 0, reason="Redis is not running"
)
def test_a_cache_with_redis_up_keeps_values() -> None:
    cache = ResilientRedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": "ops-cache-test"})
    cache.set("客户", {"name": "中海油田服务股份有限公司"}, 30)
    assert cache.get("客户") == {"name": "中海油田服务股份有限公司"}
    cache.delete("客户")
