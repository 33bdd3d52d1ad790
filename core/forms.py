"""Helpers for pages whose forms call services."""
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
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
