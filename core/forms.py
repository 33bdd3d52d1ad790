"""Helpers for pages whose forms call services."""
from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Attach a service's ValidationError to ``form``: per field where the form has it, else to the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None,
                           messages if field in form.fields else [f"{field}: {m}" for m in messages])
    else:
        form.add_error(None, error.messages)
