"""Serializer helpers shared by the apps' APIs."""

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from .validators import number_text_error

# The mixin's base for the type checker only (at run time: object, so the MRO is unchanged).
if TYPE_CHECKING:
    _Serializer = serializers.Serializer
else:
    _Serializer = object


class StrictInputMixin(_Serializer):
    """Refuse a body that is not a JSON object, or that has fields the serializer does not know
    (``{"foo": ["Unknown field."]}``), instead of silently ignoring them."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data is None and not self.allow_null:  # a body of ``null``: DRF's "No data provided" says less
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        return super().run_validation(data)

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)


MAX_ID = 2**63 - 1


class IdRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object by its id: a JSON integer, or a string of ASCII digits, from 1 to 2^63-1.

    Anything else (``1.5``, ``true``, ``"abc"``, ``"٣"``, ``[1]``) is refused as "Incorrect type" instead of
    being rounded by the database lookup (``1.5`` would otherwise find the row with id 1); an id out of range is
    "does not exist" (the database would overflow).
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not (
            isinstance(data, int) or (isinstance(data, str) and data.isascii() and data.isdigit())
        ):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= int(data) <= MAX_ID:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(int(data))


class StrictModelInput(StrictInputMixin):
    """Input of a model serializer that also renders the record: a field it only renders (read-only, e.g.
    ``id``, ``status``, ``version``) or does not have is refused with 400 naming it, never silently ignored
    (issue 16, item 15); :meth:`read_only_reason` says where such a field is written instead."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            read_only = sorted(name for name in data if name in self.fields and self.fields[name].read_only)
            if read_only:
                raise serializers.ValidationError({name: [self.read_only_reason(name)] for name in read_only})
        return super().to_internal_value(data)

    def read_only_reason(self, name: str) -> str:
        """Why ``name`` may not be sent."""
        if name == "version":
            return _("Read-only: send the version you read as the If-Match header.")
        return _("This field is read-only.")


class StrictIntegerField(serializers.IntegerField):
    """An IntegerField that takes ASCII digits only (core.validators.number_text_error): ``"5_9"``,
    ``"٥٩"``, ``"５９"``, ``1e3`` and ``59.0`` are refused with the reason instead of read as 59."""

    def to_internal_value(self, data: Any) -> int:
        error = number_text_error(data, integer=True)
        if error:
            raise serializers.ValidationError(error, code="invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A DecimalField that takes ASCII digits only (core.validators.number_text_error): ``"5_9"``,
    ``"٥٩"``, ``"1e3"`` are refused with the reason instead of read as numbers."""

    def to_internal_value(self, data: Any) -> Any:
        error = number_text_error(data, integer=False)
        if error:
            raise serializers.ValidationError(error, code="invalid")
        return super().to_internal_value(data)
