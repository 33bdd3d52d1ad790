"""Form widgets shared by the apps' forms."""

from typing import Any

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The browser's date picker (``<input type="date">``). Its value is always ISO ``YYYY-MM-DD``, in every
    language: the HTML standard allows no other, and a browser shows a localised value (``01.01.2027`` in
    ru and kk) as empty and submits ``""``, so an untouched Save would clear the date. Input is read by the
    form field in the language's formats, to which Django always adds ISO (and so does kk's,
    roadmap_portal/formats/kk)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None):
        super().__init__(attrs, format=format or ISO_DATE)


# A date field's widget (each form field holds its own copy): the browser's date picker, sent as YYYY-MM-DD.
DATE = DateInput()


def searchable(*fields: Any) -> None:
    """Mark the select widgets of ``fields`` (form fields) as searchable choosers: static/js/forms.js turns
    them into a Tom Select with a search box and every option reachable (a facility among 81, a block, a
    cell). Multiple selects are searchable without it."""
    for field in fields:
        field.widget.attrs["data-searchable"] = "true"
