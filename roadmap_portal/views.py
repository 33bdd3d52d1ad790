"""Pages that compose several apps: the national dashboard, the facility list and the facility page."""
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from cells.filters import CellFilter
from cells.models import Cell, StandardProfile
from cells.selectors import active_rules, cells_with_results, rule_outcomes
from facilities.models import Facility

from . import selectors
from .filters import FacilityComplianceFilter


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def dashboard(request):
    """National dashboard: headline figures, compliance per profile, projects, single-cell share by region."""
    regions = selectors.single_cell_share_by_region()
    return render(request, "dashboard/national.html", {
        "summary": selectors.summary(),
        "regions": regions,
        "max_share": max([r["share"] or 0 for r in regions] + [1]),
    })


def facility_list(request):
    """Facilities with filters (region, kind, security level, status, compliance under a profile)."""
    filterset = FacilityComplianceFilter(request.GET or None, queryset=Facility.objects.all(), request=request)
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else Facility.objects.all()
    if filterset.is_bound and not filterset.is_valid():
        queryset = Facility.objects.none()
    profile = filterset.selected_profile()
    queryset = selectors.facilities_with_figures(queryset.order_by("region__code", "code", "pk"), profile)
    page = _page(request, queryset, 50)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "facilities/facility_list.html", {
        "filter": filterset, "page": page, "profile": profile, "query": query.urlencode(),
    })


def facility_detail(request, pk):
    """A facility: its blocks with conversion progress, and its cells with pass/fail per rule and source."""
    facility = get_object_or_404(Facility.objects.select_related("region"), pk=pk)
    blocks = facility.blocks.select_related("conversion").order_by("name")
    cell_filter = CellFilter(request.GET or None, queryset=Cell.objects.filter(block__facility=facility))
    cells = cell_filter.qs if cell_filter.is_bound and cell_filter.is_valid() else Cell.objects.filter(
        block__facility=facility)
    if cell_filter.is_bound and not cell_filter.is_valid():
        cells = Cell.objects.none()
    cells = cells_with_results(cells.select_related("block").order_by("block__name", "number", "pk"))
    page = _page(request, cells, 50)
    rules = active_rules()
    rows = [(cell, rule_outcomes(cell, rules)) for cell in page]
    query = request.GET.copy()
    query.pop("page", None)
    profile = StandardProfile.objects.filter(code=selectors.HEADLINE_PROFILE).first()
    figures = selectors.facilities_with_figures(Facility.objects.filter(pk=facility.pk), profile).get()
    return render(request, "facilities/facility_detail.html", {
        "facility": facility, "figures": figures, "profile": profile, "blocks": blocks, "page": page,
        "rows": rows, "rules": rules, "cell_filter": cell_filter, "query": query.urlencode(),
    })
