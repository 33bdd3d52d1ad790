"""Named exclusive locks for runs that must never overlap (the compliance recalculation).

On PostgreSQL the lock is a transaction-level advisory lock (``pg_try_advisory_xact_lock``): it is taken
inside the transaction that writes the run's rows and released by PostgreSQL when that transaction ends
(commit, rollback) or when its connection dies (a worker killed with SIGKILL). It needs no Redis, so the
runs stay serialised while Redis is down, and it can never outlive its holder (a Redis lock with an expiry
stays taken until the expiry after a crash, refusing the redelivered task). On SQLite (the one-process
demo) an in-process lock serves.

Usage (inside ``transaction.atomic()``)::

    with exclusive_lock("compliance-run") as acquired:
        if not acquired:
            ...  # another run holds it
"""

import contextlib
import hashlib
import threading
from collections.abc import Iterator

from django.db import connection

_local_locks: dict[str, threading.Lock] = {}
_registry_guard = threading.Lock()


def lock_key(name: str) -> int:
    """The signed 64-bit advisory lock key of ``name`` (stable across processes and releases)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


@contextlib.contextmanager
def exclusive_lock(name: str) -> Iterator[bool]:
    """Try once to take the lock ``name``; yield True if taken. On PostgreSQL it must be called inside a
    transaction (``transaction.atomic()``) and is held until that transaction ends, even after the
    ``with`` block; elsewhere it is released at the end of the block. Raises
    django.db.transaction.TransactionManagementError on PostgreSQL outside a transaction."""
    if connection.vendor == "postgresql":
        from django.db import transaction

        if connection.get_autocommit():
            raise transaction.TransactionManagementError("exclusive_lock needs an open transaction")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
            yield cursor.fetchone()[0]
        return
    with _registry_guard:
        lock = _local_locks.setdefault(name, threading.Lock())
    acquired = lock.acquire(blocking=False)
    try:
        yield acquired
    finally:
        if acquired:
            lock.release()
