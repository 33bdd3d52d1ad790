"""Form widgets shared by the apps' forms."""

from django import forms

# A date field's widget: the browser's date picker (the value is sent as YYYY-MM-DD).
DATE = forms.DateInput(attrs={"type": "date"})
