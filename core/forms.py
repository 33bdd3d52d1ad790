"""Helpers for pages whose forms call services."""

from django import forms
from django.core.exceptions import ValidationError


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
