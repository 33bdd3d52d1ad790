"""Forms of the cells app: a cell, and the completion of a conversion project with its new cells."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import DATES, FREE_TEXT
from core.forms import ServiceValidatedModelForm, StrictDecimalField, StrictIntegerField, strict_formfield
from core.validators import normalize_identifier, validate_name
from facilities.forms import DATE

from . import bounds
from .models import Cell

TRI_STATE = forms.NullBooleanSelect


class CellForm(ServiceValidatedModelForm):
    """A room or cell; the block list holds the blocks the editor may edit. Numbers take ASCII digits only
    (core.forms.strict_formfield)."""

    class Meta:
        model = Cell
        formfield_callback = strict_formfield
        fields = ["block", *Cell.WRITABLE_FIELDS]
        widgets = {"occupancy_date": DATE}

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = blocks.select_related("facility")


class CompletionForm(forms.Form):
    """Completion of a conversion project: the last update and the block's new single cells, all of the
    same standard design (numbered ``prefix`` + 001, 002, ...)."""

    version = StrictIntegerField(widget=forms.HiddenInput)
    date = forms.DateField(label=_("Date of the update"), widget=DATE, validators=DATES.validators())
    actual_end = forms.DateField(label=_("Actual end of works"), widget=DATE, validators=DATES.validators())
    budget_spent_kzt = StrictDecimalField(label=_("Spent to date (KZT)"), min_value=0, decimal_places=2, max_digits=16)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=FREE_TEXT.maximum
    )
    count = StrictIntegerField(label=_("Number of new single cells"), min_value=1, max_value=2000)
    prefix = forms.CharField(
        label=_("Cell number prefix"), max_length=10, initial="S", required=False, validators=[validate_name]
    )
    living_space_m2 = StrictDecimalField(
        label=_("Living space per cell (m², excluding the sanitary annex)"),
        decimal_places=2,
        **bounds.LIVING_SPACE_M2.limits(),
    )
    has_sanitary_annex = forms.NullBooleanField(label=_("In-cell sanitary annex"), widget=TRI_STATE, initial=True)
    sanitary_annex_partitioned = forms.NullBooleanField(
        label=_("Annex fully partitioned"), widget=TRI_STATE, initial=True
    )
    min_wall_distance_m = StrictDecimalField(
        label=_("Distance between walls (m)"), decimal_places=2, required=False, **bounds.MIN_WALL_DISTANCE_M.limits()
    )
    ceiling_height_m = StrictDecimalField(
        label=_("Ceiling height (m)"), decimal_places=2, required=False, **bounds.CEILING_HEIGHT_M.limits()
    )
    has_natural_light = forms.NullBooleanField(label=_("Natural light"), widget=TRI_STATE, initial=True)
    persons_moved_in = StrictIntegerField(label=_("Persons moved in (one per cell)"), min_value=0, initial=0)

    def clean_prefix(self):
        """The prefix in the normal form of cell numbers (core.validators.normalize_identifier)."""
        return normalize_identifier(self.cleaned_data["prefix"])

    def clean(self):
        data = super().clean()
        if data.get("count") is not None and data.get("persons_moved_in", 0) > data["count"]:
            self.add_error("persons_moved_in", _("At most one person per single cell."))
        return data

    def cells(self) -> list[dict]:
        """The new cells as dicts for cells.services.complete_conversion."""
        data = self.cleaned_data
        width = max(3, len(str(data["count"])))
        return [
            {
                "number": f"{data['prefix'] or ''}{n:0{width}d}",
                "living_space_m2": data["living_space_m2"],
                "has_sanitary_annex": data["has_sanitary_annex"],
                "sanitary_annex_partitioned": data["sanitary_annex_partitioned"],
                "min_wall_distance_m": data["min_wall_distance_m"],
                "ceiling_height_m": data["ceiling_height_m"],
                "has_natural_light": data["has_natural_light"],
                "occupancy": 1 if n <= data["persons_moved_in"] else 0,
            }
            for n in range(1, data["count"] + 1)
        ]
