from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The generated demo estate, its reconstructed history and ``seed_demo`` (not installed in production)."""

    name = "demo"
    verbose_name = "Demo data"
