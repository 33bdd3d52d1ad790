"""Admin of core: API tokens (knox) without their secret; the change form of versioned records
(VersionedAdmin)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from knox.models import AuthToken

from .versioning import StaleVersion, check_version, lock, save_changes

# The mixin's base for the type checker only (at run time: object, so the MRO is unchanged).
if TYPE_CHECKING:
    _Admin = admin.ModelAdmin
else:
    _Admin = object

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(admin.ModelAdmin):
    """API tokens without their secret (only the first characters, for recognising one); tokens are issued
    with ``issue_api_token`` or the "API tokens" page (shown once there). Deleting a token revokes it."""

    list_display = ("token_key", "user", "created", "expiry")
    list_filter = ("expiry",)
    search_fields = ("token_key", "user__username")
    fields = ("token_key", "user", "created", "expiry")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuthToken | None = None) -> bool:
        return False


class VersionedAdminForm(forms.ModelForm):
    """The admin change form of a core.versioning.Versioned record: ``seen_version`` (hidden) is the
    version the page was opened with. On submit the row is locked (the admin's change view runs in one
    transaction) and a stale version refuses the save with who changed the record, when, and field by
    field the stored value beside the one submitted; the form then takes the stored version, so one more
    submit keeps the submitted values."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].required = True
            self.initial.setdefault("seen_version", self.instance.version)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned is None:
            cleaned = self.cleaned_data
        seen = cleaned.get("seen_version")
        if self.instance.pk is None or seen is None:
            return cleaned
        current = lock(type(self.instance), self.instance.pk)
        try:
            check_version(current, seen)
        except StaleVersion as stale:
            data = self.data.copy()  # type: ignore[attr-defined]  # a QueryDict for a bound form
            data["seen_version"] = str(stale.current_version)
            self.data = data
            raise ValidationError([str(stale), *self._stale_rows(stale)]) from None
        return cleaned

    def _stale_rows(self, stale: StaleVersion) -> list[str]:
        rows = []
        for change in stale.changes:
            yours = "—"
            if change.field in self.fields:
                value = self[change.field].value()
                choices = dict(getattr(self.fields[change.field], "choices", None) or [])
                yours = str(choices.get(value, value)) if value not in (None, "") else "—"
            rows.append(
                gettext("%(field)s: stored now %(theirs)s, yours %(yours)s")
                % {"field": change.label, "theirs": change.now if change.now is not None else "—", "yours": yours}
            )
        return rows


class VersionedAdmin(_Admin):
    """ModelAdmin mixin for core.versioning.Versioned models (put it first among the bases:
    ``class FacilityAdmin(VersionedAdmin, SimpleHistoryAdmin)``): the change form carries the version it
    was opened with and refuses a stale save with the changes shown (VersionedAdminForm), and a save
    writes only the fields the form changed (``update_fields``, with the version), with the user in the
    history. Adding a record is unchanged."""

    form = VersionedAdminForm

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {f.name for f in obj._meta.concrete_fields}
        fields = [name for name in form.changed_data if name in concrete]
        save_changes(obj, fields, user=request.user)


class ReadOnlyInlineMixin:
    """Mixed into an admin inline (tabular or stacked): it shows related rows and never writes them (no add,
    change or delete): rows that a service owns (progress updates, a finding's status), shown beside the
    record they belong to."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
