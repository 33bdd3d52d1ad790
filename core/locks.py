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

Whether a run holding the lock still runs is asked of PostgreSQL (``is_held``, which reads ``pg_locks``),
never guessed from the time: a run recorded as running whose lock nobody holds is a run that died. The
short moment between a run's record and its lock is covered by ``announcing``.
"""

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator

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


def _starting(name: str) -> str:
    return f"{name}:starting"


@contextlib.contextmanager
def announcing(name: str) -> Iterator[Callable[[], None]]:
    """Hold the announcement of ``name`` (a session-level advisory lock ``<name>:starting`` on PostgreSQL,
    waited for if another run is announcing) from before a run records itself until it has tried
    ``exclusive_lock(name)``: so that ``is_held(name)`` counts a run between its record and its lock as
    running. Yields ``release()``, to call once the lock was tried (it is also released at the end of the
    block, and by PostgreSQL with the connection of a killed process). Does nothing elsewhere than on
    PostgreSQL."""
    if connection.vendor != "postgresql":
        yield lambda: None
        return
    key = lock_key(_starting(name))
    held = True

    def release() -> None:
        nonlocal held
        if held:
            held = False
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield release
    finally:
        release()


def is_held(name: str) -> bool | None:
    """Whether any session holds the lock ``name`` (or its announcement, ``announcing``) now.

    On PostgreSQL: from ``pg_locks`` (granted advisory locks of this database; a transaction-level lock
    whose transaction ended, or whose connection died with a killed worker, is not there), so True or
    False. Elsewhere (SQLite, the one-process demo): True if this process holds it, else None: another
    process cannot be asked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND ((classid::bigint << 32) | objid::bigint) = ANY(%s))",
                [[lock_key(name), lock_key(_starting(name))]],
            )
            return bool(cursor.fetchone()[0])
    lock = _local_locks.get(name)
    return True if lock is not None and lock.locked() else None
