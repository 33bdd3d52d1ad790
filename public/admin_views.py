"""The administrators' release pages, /releases/ (docs/public.md, §Releases): the list, "prepare a
release", a release's page (its figures, the suppression list with the withheld values, the rules and
licence, and before publishing what publishing will change), and the confirmation of review, publish
and discard. Every view: facilities.decisions.check_may_publish_releases (403 for anyone but an
administrator; the login middleware sends anonymous requests to the login page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from facilities import decisions

from . import dictionary, package, review, services
from .forms import ConfirmForm, PrepareReleaseForm
from .models import Release

ACTIONS = {
    "review": services.review,
    "publish": services.publish,
    "discard": services.discard,
}


def _check(request: HttpRequest) -> None:
    decisions.check_may_publish_releases(request.user)


def _form_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError on ``form``: on its field when the form has one, else on the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_http_methods(["GET", "HEAD"])
def release_list(request: HttpRequest) -> HttpResponse:
    _check(request)
    releases = Release.objects.select_related("prepared_by", "reviewed_by", "published_by", "corrects").defer(
        "content", "withheld"
    )
    return render(request, "public/admin/release_list.html", {"releases": releases})


@require_http_methods(["GET", "HEAD", "POST"])
def release_prepare(request: HttpRequest) -> HttpResponse:
    _check(request)
    if request.method == "POST":
        form = PrepareReleaseForm(request.POST)
        if form.is_valid():
            try:
                release = services.prepare(request.user, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Draft prepared: %(count)d values suppressed. Review it, then publish it.")
                    % {"count": len(release.suppressions)},
                )
                return redirect("release-admin-detail", pk=release.pk)
    else:
        initial = {}
        corrects = request.GET.get("corrects", "")
        if corrects.isdigit():
            initial["corrects"] = corrects
        form = PrepareReleaseForm(initial=initial)
    return render(request, "public/admin/release_prepare.html", {"form": form})


def _detail_context(release: Release) -> dict:
    language = get_language()
    content = release.content
    profiles = content.get("profiles", [])
    columns, regions = review.area_rows(content["regions"], profiles, language)
    _columns, nation = review.area_rows([content["nation"]], profiles, language)
    current = Release.objects.current()
    context = {
        "release": release,
        "columns": columns,
        "nation": nation,
        "regions": regions,
        "facilities_count": len(content["facilities"]),
        "institutions": content["nation"].get("institutions"),
        "suppressions": review.withheld_rows(release),
        "reasons": [(code, dictionary.pick(meaning, language)) for code, meaning in dictionary.REASONS.items()],
        "rules": release.rules,
        "rules_text": dictionary.rules_text(release.rules, package.licence_of(release), language or "en"),
        "current": current,
    }
    if not release.is_published:
        context["changes"] = review.national_changes(release, current, language)
        context["facility_changes"] = review.facility_changes(release, current)
    return context


@require_http_methods(["GET", "HEAD"])
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request)
    release = get_object_or_404(Release.objects.select_related("corrects"), pk=pk)
    return render(request, "public/admin/release_detail.html", _detail_context(release))


@require_http_methods(["GET", "HEAD", "POST"])
def release_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The confirmation page of ``action`` (review, publish, discard) and, on POST with the box ticked,
    the action itself (public.services); its refusal (not a draft, not reviewed, published) is shown on
    the page."""
    _check(request)
    if action not in ACTIONS:
        raise Http404("no such action")
    release = get_object_or_404(Release, pk=pk)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            done: Release | None = ACTIONS[action](request.user, release)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            if action == "discard":
                messages.success(request, _("The draft was discarded."))
                return redirect("release-admin-list")
            if action == "publish" and done is not None:
                messages.success(request, _("Release %(number)d is published.") % {"number": done.number})
            else:
                messages.success(request, _("The release is reviewed: it can be published."))
            return redirect("release-admin-detail", pk=release.pk)
    context = _detail_context(release)
    context.update({"form": form, "action": action})
    return render(request, "public/admin/release_confirm.html", context)
