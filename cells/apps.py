from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CellsConfig(AppConfig):
    """Rooms and cells, the standards, and the compliance engine."""

    name = "cells"
    verbose_name = _("Cells and compliance")
