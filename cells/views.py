"""HTML pages of the cells app."""

from django.shortcuts import render

from .models import StandardProfile


def standards(request):
    """Every standard profile and rule with its source and whether it is verified."""
    profiles = StandardProfile.objects.prefetch_related("rules")
    return render(request, "cells/standards.html", {"profiles": profiles})
