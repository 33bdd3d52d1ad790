from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """Inspections of facilities and their findings (workflow in a later issue)."""

    name = "inspections"
    verbose_name = _("Inspections")
