"""Helpers for pages whose forms call services: the portal's number fields (decimal comma in ru and kk),
the hidden ``version`` of an edit form, the model form base, and the stale-form display."""

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import formats
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from .validators import number_text_error
from .widgets import DateInput

if TYPE_CHECKING:
    from .versioning import StaleVersion

# A number written with groups of three digits split by a space, a no-break space or a narrow no-break space
# ("1 143 800 000,00"), as ru and kk write them.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d*)?")
_GROUP_SEPARATORS = re.compile(r"[ \u00a0\u202f]")
# The same in English as en writes it (core.numbers: "1,143,800,000.00"): groups split by a comma, a decimal point.
_COMMA_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")


# The format hint of every date field and date filter (its help text): a date input (core.widgets.DateInput)
# is typed day first (DD.MM.YYYY; ISO YYYY-MM-DD is read too) or chosen in its calendar, which writes it
# day first in the page's language.
DATE_HINT = _("DD.MM.YYYY, or choose the date in the calendar")


def with_date_hint(help_text: Any = "") -> Any:
    """``help_text`` followed by :data:`DATE_HINT` (lazily, in the reader's language); the hint alone when
    there is none."""
    return format_lazy("{} ({})", help_text, DATE_HINT) if help_text else DATE_HINT


class DateField(forms.DateField):
    """A date: a day-first text input with a calendar (core.widgets.DateInput, ``03.12.2026``) with the
    format hint :data:`DATE_HINT` in its help text. Read in the language's DATE_INPUT_FORMATS (day first),
    to which Django always adds ISO."""

    widget = DateInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["help_text"] = with_date_hint(kwargs.get("help_text", ""))
        super().__init__(*args, **kwargs)


def normalise_number(value: Any) -> Any:
    """A number as typed on a page, in the form Python reads (``"9.5"``): in every language groups of three
    split by a space, a no-break space or a narrow no-break space are read (``"1 143 800 000.00"``); in a
    language that writes a decimal comma (ru, kk: ``DECIMAL_SEPARATOR`` ","), ``"9,5"`` is 9.5 and
    ``"1 143 800 000,00"`` is 1143800000.00; in English a comma is a thousands separator only in whole
    groups of three (``"1,143,800,000.00"``, as the money inputs show it: core.widgets.MoneyInput), and
    ``"9,5"`` is refused. Non-strings are returned as they are. Raises ValidationError (code
    ``invalid``) when the text holds anything but ASCII digits, sign, point and those separators
    (``"٩,٥"``, full-width digits): the portal reads ASCII digits only."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    decimal_comma = formats.get_format("DECIMAL_SEPARATOR") == ","
    if _GROUPED.fullmatch(text) and (decimal_comma or "," not in text):
        text = _GROUP_SEPARATORS.sub("", text)
    if decimal_comma:
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
    elif formats.get_format("THOUSAND_SEPARATOR") == "," and _COMMA_GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not text.isascii():
        raise ValidationError(forms.DecimalField.default_error_messages["invalid"], code="invalid")
    return text


def _strict(value: Any, *, integer: bool) -> Any:
    """:func:`normalise_number`, then the portal's rule on how a number is written
    (core.validators.number_text_error: no ``5_9``, no ``1e3``; for a count no fraction). Raises
    ValidationError (code ``invalid``) with the reason."""
    try:
        text = normalise_number(value)
    except ValidationError:  # not ASCII: say why when the rule knows (full-width or other digits)
        error = number_text_error(value, integer=integer)
        if error:
            raise ValidationError(error, code="invalid") from None
        raise
    error = number_text_error(text, integer=integer)
    if error:
        raise ValidationError(error, code="invalid")
    return text


class DecimalField(forms.DecimalField):
    """Django's DecimalField reading :func:`normalise_number` (decimal comma in ru and kk, ASCII digits
    only) under core.validators.number_text_error; the widget stays ``<input type="number">``, whose value
    is written with a point, except for money (core.widgets.MoneyInput: grouped, in the language's format)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return super().to_python(_strict(value, integer=False))


class IntegerField(forms.IntegerField):
    """Django's IntegerField reading :func:`normalise_number` (groups of thousands split by a space in ru
    and kk, ASCII digits only) under core.validators.number_text_error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        return super().to_python(_strict(value, integer=True))


def portal_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """The form field of ``model_field`` on the portal's model forms (ModelForm ``formfield_callback``): a
    date is the day-first date input with its calendar (core.widgets.DateInput) with the format hint :data:`DATE_HINT` unless the
    form names another widget or help text, a decimal is
    :class:`DecimalField` and a whole number :class:`IntegerField` unless the form names another class."""
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
        kwargs.setdefault("help_text", with_date_hint(model_field.help_text))
    elif isinstance(model_field, models.DecimalField):
        kwargs.setdefault("form_class", DecimalField)
    elif (
        isinstance(model_field, models.IntegerField)
        and not isinstance(model_field, models.AutoField)
        and not model_field.choices
    ):
        kwargs.setdefault("form_class", IntegerField)
    return model_field.formfield(**kwargs)


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: per field where the form has it, else to the form,
    named by the label of the form's model field of that name when there is one (translated: "Occupancy
    (persons): ..."), else as the service's message alone (never an internal key such as
    ``movement_plan``)."""
    if hasattr(error, "error_dict"):
        model = getattr(getattr(form, "_meta", None), "model", None)
        for field, messages in error.message_dict.items():
            if field in form.fields:
                form.add_error(field, messages)
            elif field.endswith("__all__"):
                form.add_error(None, messages)
            else:
                label = _model_label(model, field)
                form.add_error(None, [f"{label}: {m}" if label else m for m in messages])
    else:
        form.add_error(None, error.messages)


def _model_label(model: "type[models.Model] | None", name: str) -> str:
    """The verbose name of ``model``'s field ``name``, capitalised; "" when there is none."""
    if model is None:
        return ""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:  # also a key such as "cells[2].number"
        return ""
    return capfirst(str(getattr(field, "verbose_name", "") or ""))


class ServiceValidatedModelForm(forms.ModelForm):
    """A ModelForm that only parses input into the instance: the model's validation (constraints,
    uniqueness) runs in the service the view calls, the single place for it. Its fields are made by
    :func:`portal_formfield` (ISO date pickers, the decimal comma in ru and kk) unless a subclass's Meta
    names its own ``formfield_callback``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs before ModelFormMetaclass makes the fields from the subclass's own Meta (Django reads
        # formfield_callback from that Meta only).
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(portal_formfield)

    def validate_unique(self) -> None:
        """Checked by the service."""

    def _post_clean(self) -> None:
        opts = self._meta
        try:
            self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)
        except forms.ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]  # ModelForm's, not in the stubs


OUTDATED = _("This form is outdated or incomplete: reload the page")


class VersionField(forms.IntegerField):
    """The hidden ``version`` of an edit form: the version of the record when the form was opened, a whole
    number from 1. Missing, empty or malformed it is the form error :data:`OUTDATED` (a page without its
    version, or from an old release), so nothing is written without a version check."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("min_value", 1)
        messages = dict.fromkeys(("required", "invalid", "min_value", "max_value"), OUTDATED)
        super().__init__(error_messages=messages, **kwargs)


class VersionedFormMixin(forms.Form):
    """The ``version`` of an edit form (:class:`VersionField`), sent to the service, which refuses a stale
    one (core.versioning.StaleVersion, shown by :func:`show_stale`). ``record``: the record edited (default:
    a model form's ``instance``); when it is stored, the version is required and starts at its version;
    a new record (no pk, or none) has no version field. An error of the version is shown as a form error
    (the field is hidden)."""

    version = VersionField(required=False)

    def __init__(self, *args: Any, record: Any = None, **kwargs: Any):  # a Versioned model, or None
        super().__init__(*args, **kwargs)
        record = record if record is not None else getattr(self, "instance", None)
        if record is not None and record.pk is not None:
            self.fields["version"].required = True
            self.initial.setdefault("version", record.version)
        else:
            del self.fields["version"]

    def full_clean(self) -> None:
        super().full_clean()
        errors = getattr(self, "_errors", None)
        if errors and "version" in errors:
            errors.pop("version")
            self.add_error(None, ValidationError(OUTDATED, code="outdated"))


def _form_value(form: forms.BaseForm, name: str, value: Any) -> Any:
    """``value`` (a stored value: a foreign key by its key) as ``form``'s field ``name`` puts it in form
    data: ``"true"``/``"false"`` for a check box or a yes/no select, the widget's text (ISO date) else."""
    field = form.fields[name]
    widget = field.widget
    if isinstance(value, bool) and isinstance(widget, forms.CheckboxInput | forms.NullBooleanSelect):
        return "true" if value else "false"
    if value is None:
        return "unknown" if isinstance(widget, forms.NullBooleanSelect) else ""
    shown = widget.format_value(field.prepare_value(value))
    if isinstance(shown, list | tuple):  # a select's value is the list of its selected options
        shown = shown[0] if shown else None
    return "" if shown is None else str(shown)


def _untouched(form: forms.BaseForm, name: str, then: Any) -> bool:
    """Whether the value ``form`` holds for ``name`` (as cleaned, a model by its key) is ``then``, the value
    at the version the user read: they did not change that field."""
    cleaned = getattr(form, "cleaned_data", {})
    if name not in cleaned:
        return False
    value = cleaned[name]
    if isinstance(value, models.Model):
        value = value.pk
    if value in ("", None) and then in ("", None):
        return True
    return value == then


def show_stale(form: forms.BaseForm, stale: "StaleVersion") -> list[dict[str, str | None]]:
    """A stale edit form (core.versioning.StaleVersion): the form keeps what the user changed, names who
    changed the record and when (a form error), and takes the stored version, so that one more submit keeps
    the user's own edits and nothing else. A field changed since the user's version that the user did not
    touch (their submitted value is the value at their version, FieldChange.then_value) takes the stored
    value (FieldChange.now_value) in the form's data, so the next submit does not write the old value back;
    a field the user did change keeps theirs.

    Returns the rows for templates/partials/stale.html, one per field changed since the version the form
    was opened with: ``{"field", "label", "theirs" (stored now), "yours" (what the form holds now)}``; a
    field the form does not have shows the stored value alone. Call it with a validated form (the view
    catches StaleVersion after ``is_valid()``)."""
    data = form.data.copy()  # type: ignore[attr-defined]  # a QueryDict for a bound form
    data["version"] = str(stale.current_version)
    for change in stale.changes:
        if change.field in form.fields and _untouched(form, change.field, change.then_value):
            data[change.field] = _form_value(form, change.field, change.now_value)
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
