"""The cache as an optimisation only: with Redis down, reads miss and writes are skipped, and pages compute from
the database (within the short socket timeouts of settings.CACHES)."""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

# After a failure the cache is left alone for a few seconds, so one page does not wait on every one of its reads.
_PAUSE_SECONDS = 15.0
_paused_until = 0.0


def _available() -> bool:
    return time.monotonic() >= _paused_until


def _failed(what: str, exc: Exception) -> None:
    global _paused_until
    _paused_until = time.monotonic() + _PAUSE_SECONDS
    logger.warning("cache %s skipped: %s", what, exc)


def cache_get(key: str, default=None):
    if not _available():
        return default
    try:
        return cache.get(key, default)
    except Exception as exc:  # noqa: BLE001 - any cache failure is a miss
        _failed("read", exc)
        return default


def cache_get_many(keys) -> dict:
    if not _available():
        return {}
    try:
        return cache.get_many(keys)
    except Exception as exc:  # noqa: BLE001
        _failed("read", exc)
        return {}


def cache_set(key: str, value, timeout=None) -> None:
    if not _available():
        return
    try:
        cache.set(key, value, timeout)
    except Exception as exc:  # noqa: BLE001 - the value is recomputed next time
        _failed("write", exc)


def cache_set_many(values: dict, timeout=None) -> None:
    if not _available():
        return
    try:
        cache.set_many(values, timeout)
    except Exception as exc:  # noqa: BLE001
        _failed("write", exc)


def cache_delete_many(keys) -> None:
    if not _available():
        return
    try:
        cache.delete_many(keys)
    except Exception as exc:  # noqa: BLE001
        _failed("delete", exc)


def cache_usable() -> bool:
    """False for a few seconds after a cache failure: callers skip the cache instead of waiting on it again."""
    return _available()


def cache_failed(what: str, exc: Exception) -> None:
    """Record a failure of a cache call made directly (not through the helpers above)."""
    _failed(what, exc)
