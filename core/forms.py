"""Helpers for pages whose forms call services."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from .validators import number_text_error

if TYPE_CHECKING:
    from .versioning import StaleVersion


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: per field where the form has it, else to the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            if field in form.fields:
                form.add_error(field, messages)
            elif field.endswith("__all__"):
                form.add_error(None, messages)
            else:
                form.add_error(None, [f"{field}: {m}" for m in messages])
    else:
        form.add_error(None, error.messages)


class ServiceValidatedModelForm(forms.ModelForm):
    """A ModelForm that only parses input into the instance: the model's validation (constraints,
    uniqueness) runs in the service the view calls, the single place for it."""

    def validate_unique(self) -> None:
        """Checked by the service."""

    def _post_clean(self) -> None:
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # ModelForm's, not in the stubs


def show_stale(form: forms.BaseForm, stale: "StaleVersion") -> list[dict[str, str | None]]:
    """A stale edit form (core.versioning.StaleVersion): the form keeps what the user typed, names who
    changed the record and when (a form error), and takes the stored version, so that one more submit keeps
    the user's values. Returns the rows for templates/partials/stale.html, one per field changed since the
    version the form was opened with: ``{"field", "label", "theirs" (stored now), "yours" (as submitted)}``;
    a field the form does not have shows the stored value alone."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict for a bound form
    data["version"] = str(stale.current_version)
    form.data = data
    form.add_error(None, str(stale))
    rows = []
    for change in stale.changes:
        yours = None
        if change.field in form.fields:
            bound = form[change.field]
            value = bound.value()
            field = form.fields[change.field]
            choices = dict(getattr(field, "choices", None) or [])
            yours = str(choices.get(value, value)) if value not in (None, "") else None
        rows.append({"field": change.field, "label": change.label, "theirs": change.now, "yours": yours})
    return rows


class StrictIntegerField(forms.IntegerField):
    """An IntegerField that takes ASCII digits only (core.validators.number_text_error): ``5_9``, ``٥٩``,
    ``５９``, ``1e3`` are a form error with the reason instead of read as numbers."""

    def to_python(self, value: Any) -> int | None:
        error = number_text_error(value, integer=True)
        if error:
            raise ValidationError(error, code="invalid")
        return super().to_python(value)


class StrictDecimalField(forms.DecimalField):
    """A DecimalField that takes ASCII digits only (core.validators.number_text_error)."""

    def to_python(self, value: Any) -> Any:
        error = number_text_error(value, integer=False)
        if error:
            raise ValidationError(error, code="invalid")
        return super().to_python(value)


def strict_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` of the model forms: integer and decimal model fields get the strict form
    fields above; every other field its usual form field."""
    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=StrictDecimalField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        return db_field.formfield(form_class=StrictIntegerField, **kwargs)
    return db_field.formfield(**kwargs)
