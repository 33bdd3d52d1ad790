"""The form of the release pages (public.admin_views)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import FREE_TEXT

from .models import Release


class PrepareReleaseForm(forms.Form):
    """Prepare a release: notes in three languages, optionally the published release it corrects (then a
    note is required: public.services.prepare says so, and the view puts its ValidationError on the form)."""

    note = forms.CharField(
        label=_("Note (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=FREE_TEXT.validators(),
    )
    note_ru = forms.CharField(
        label=_("Note (Russian)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=FREE_TEXT.validators(),
    )
    note_kk = forms.CharField(
        label=_("Note (Kazakh)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=FREE_TEXT.validators(),
    )
    corrects = forms.ModelChoiceField(
        label=_("Corrects"),
        queryset=Release.objects.all(),
        required=False,
        empty_label=_("— not a correction —"),
        help_text=_("A correction is a new release: say in the note what it corrects."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Offered: the published releases; any other id is refused by the service with a reason.
        field: Any = self.fields["corrects"]
        choices = [("", field.empty_label)]
        choices += [(r.pk, str(r)) for r in Release.objects.published()]
        field.widget.choices = choices


class ConfirmForm(forms.Form):
    """The confirmation of a review, a publication or a discard."""

    confirm = forms.BooleanField(label=_("I confirm"), required=True)
