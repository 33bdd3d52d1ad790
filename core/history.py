"""Audit history (django-simple-history) as plain data, for the History tabs and the ``/history/`` API."""

from typing import TYPE_CHECKING, Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

KINDS = {"+": "created", "~": "changed", "-": "deleted"}


def history_entries(instance: Any, limit: int = 200) -> list[dict[str, Any]]:
    """The newest ``limit`` history records of ``instance``, newest first: ``{"date", "user", "kind",
    "reason", "changes": [{"field", "label", "old", "new"}]}`` (values as text, choices by their label;
    ``user`` None = the system)."""
    records = list(
        instance.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            # The version (core.versioning) is raised by every write: not a change anyone made.
            delta = record.diff_against(previous, excluded_fields=["version"])
            changes = [_change(instance, c) for c in delta.changes]
        entries.append(
            {
                "date": record.history_date,
                "user": record.history_user.get_username() if record.history_user else None,
                "kind": KINDS.get(record.history_type, record.history_type),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _change(instance: Any, change: Any) -> dict[str, Any]:
    """A change with the field's label and choice labels (``status: in use → decommissioned``)."""
    try:
        field = instance._meta.get_field(change.field)
    except Exception:  # a field removed since
        return {"field": change.field, "label": change.field, "old": _text(change.old), "new": _text(change.new)}
    choices = dict(field.flatchoices) if field.choices else {}

    def label(value: object) -> str | None:
        return _text(choices.get(value, value))

    return {"field": change.field, "label": str(field.verbose_name), "old": label(change.old), "new": label(change.new)}


_ENTRY = inline_serializer(
    "HistoryEntry",
    fields={
        "date": serializers.DateTimeField(),
        "user": serializers.CharField(allow_null=True),
        "kind": serializers.ChoiceField(choices=list(KINDS.values())),
        "reason": serializers.CharField(),
        "changes": serializers.ListField(child=serializers.DictField()),
    },
    many=True,
)


# The mixin's base for the type checker only (at run time: object, so the MRO is unchanged).
if TYPE_CHECKING:
    from rest_framework.generics import GenericAPIView

    _View = GenericAPIView[Any]
else:
    _View = object


class HistoryMixin(_View):
    """Adds read-only ``GET <detail>/history/`` to a viewset: who changed what, when (never editable)."""

    @extend_schema(responses={200: _ENTRY})
    @action(detail=True, methods=["get"], url_path="history", filter_backends=[], pagination_class=None)
    def history(self, request: Request, pk: str | None = None) -> Response:
        return Response(history_entries(self.get_object()))
