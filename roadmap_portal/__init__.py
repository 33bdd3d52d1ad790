"""Roadmap Portal: the system of record for the penitentiary modernisation roadmap."""

from .celery import app as celery_app

__all__ = ("celery_app",)
