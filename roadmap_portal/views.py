"""The History tab of every app's objects (the shell's only page)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from cells.models import Cell
from core.history import history_entries
from facilities.models import ConversionProject, Facility, ResidentialBlock
from inspections.models import Finding, Inspection

# ---------------------------------------------------------------------------------------------------
# Blocks, conversion progress, completion and cells (ministry editors), and History tabs.


HISTORY_MODELS = {
    "facility": (Facility, "facility-detail"),
    "block": (ResidentialBlock, "block-detail"),
    "project": (ConversionProject, None),
    "cell": (Cell, None),
    "inspection": (Inspection, "inspection-detail"),
    "finding": (Finding, "finding-detail"),
}


def history(request, kind, pk):
    """The History tab of an object: who changed what and when, newest first (read-only)."""
    if kind not in HISTORY_MODELS:
        raise Http404
    model, detail = HISTORY_MODELS[kind]
    instance = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    back = reverse(detail, args=[pk]) if detail else None
    if kind == "project":
        back = reverse("block-detail", args=[instance.block_id])
    elif kind == "cell":
        back = reverse("block-detail", args=[instance.block_id])
    return render(
        request, "history.html", {"object": instance, "entries": history_entries(instance), "back": back, "kind": kind}
    )
