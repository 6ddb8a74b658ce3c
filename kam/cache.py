"""A Redis cache that never breaks a page: when Redis is away it behaves as an empty cache.

Every web process and worker shares it (django's RedisCache), but a cache is an optimisation: a
page must keep serving while Redis restarts. A failed call is logged once, answers "miss" (or does
nothing), and Redis is left alone for RETRY_AFTER seconds so a dead server costs no timeout per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class TolerantRedisCache(RedisCache):
    _down_until = 0.0

    def _guard(self, call: Callable[[], Any], default: Any = None) -> Any:
        now = time.monotonic()
        if now < self._down_until:
            return default
        try:
            return call()
        except Exception as error:  # redis-py's ConnectionError, TimeoutError, ResponseError on a loading server
            logger.warning("Cache unavailable, serving without it for %.0f s: %s", RETRY_AFTER, error)
            self._down_until = time.monotonic() + RETRY_AFTER
            return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).set(key, value, timeout, version))

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._guard(lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), False))

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._guard(lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guard(lambda: super(TolerantRedisCache, self).delete(key, version), False))

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        return self._guard(lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guard(lambda: super(TolerantRedisCache, self).has_key(key, version), False))

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return self._guard(lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).delete_many(keys, version))

    def clear(self) -> None:
        self._guard(lambda: super(TolerantRedisCache, self).clear())
