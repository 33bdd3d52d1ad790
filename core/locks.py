"""Named exclusive locks: Redis when ``REDIS_URL`` is set, an in-process lock otherwise (the demo).

Usage::

    with exclusive_lock("compliance:run", timeout=3600) as acquired:
        if not acquired:
            ...  # another run holds it

The Redis lock expires after ``timeout`` seconds so that a killed process cannot hold it forever;
it is released only by its owner (redis-py's token-checked release).
"""
import contextlib
import threading

from django.conf import settings

_local_locks: dict[str, threading.Lock] = {}
_registry_guard = threading.Lock()


def _redis_client():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL)


@contextlib.contextmanager
def exclusive_lock(name: str, timeout: int):
    """Try once to take the lock ``name`` for at most ``timeout`` seconds; yield True if taken.

    Raises redis.exceptions.ConnectionError when Redis is configured but unreachable.
    """
    if settings.REDIS_URL:
        lock = _redis_client().lock(f"roadmap:lock:{name}", timeout=timeout, blocking=False)
        acquired = lock.acquire(blocking=False)
        try:
            yield acquired
        finally:
            if acquired:
                with contextlib.suppress(Exception):
                    lock.release()
        return
    with _registry_guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()
