"""Serializer helpers shared by the apps' APIs."""
from django.utils.translation import gettext as _
from rest_framework import serializers


class StrictInputMixin:
    """Refuse a body that is not a JSON object, or that has fields the serializer does not know
    (``{"foo": ["Unknown field."]}``), instead of silently ignoring them."""

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [_("Expected a JSON object.")]})
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)
