from django.apps import AppConfig


class RegistersConfig(AppConfig):
    """Imports of the ministry's registers: dry run, confirmation, background check (ImportRecord)."""

    name = "registers"
    verbose_name = "Registers"
