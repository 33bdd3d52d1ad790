from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    """Regions, facilities, residential blocks and their conversion projects."""

    name = "facilities"
    verbose_name = _("Facilities")
