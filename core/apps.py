from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure that knows no domain: locks, pagination, ordering, row sync, API errors."""

    name = "core"
