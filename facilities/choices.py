"""Choices shared by the facilities and cells models (imported from facilities.models as before)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccommodationType(models.TextChoices):
    """How a room or cell accommodates people (field terms of the CPT and the Mandela Rules)."""

    DORMITORY = "dormitory", _("dormitory")
    MULTIPLE = "multiple_occupancy_cell", _("multiple-occupancy cell")
    SINGLE = "single_occupancy_cell", _("single-occupancy cell")
