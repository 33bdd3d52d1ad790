from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    """Rooms and cells, the standards, and the compliance engine."""

    name = "cells"
    verbose_name = _("Cells and compliance")

    def ready(self):
        from .compliance.outcomes import attach_results
        from .compliance.triggers import install_after_migrate
        from .models import CellQuerySet

        # The models read results through the engine without importing it (no import circle).
        CellQuerySet.attach_results = staticmethod(attach_results)

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="cells-input-revision-trigger")
