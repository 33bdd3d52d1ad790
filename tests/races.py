"""Helpers for the race tests (not tests): run calls at the same moment, each on its own thread and its own
database connection, and count the rounds in which a write that answered 2xx lost its effect."""

import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connections


def race(*calls: Callable[[], Any]) -> list[Any]:
    """Run each of ``calls`` in its own thread, all released together by a threading.Barrier; each thread
    has its own database connection (Django's are per thread), closed when it ends. Returns the results
    in the order of ``calls`` (an exception raised by a call is returned in its place)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # returned to the test, which fails on it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def no_throttling(django_settings: Any) -> None:
    """Lift the API's rate limits for a test that sends hundreds of requests (core.throttling reads the
    rates live); ``django_settings`` is pytest-django's ``settings`` fixture."""
    django_settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": None, "token": None},
    }


def ok(response: Any) -> bool:
    """Whether ``response`` (a test client response) answered 2xx."""
    return hasattr(response, "status_code") and 200 <= response.status_code < 300
