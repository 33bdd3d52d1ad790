"""The administrators' release pages (/releases/, public.admin_views): permissions, the form's errors,
review / publish / discard with a confirmation, what publishing will change, the suppression list with
the withheld values (here only), a published release's page."""

import pytest
from django.urls import reverse

from public import services
from public.models import Release

from .conftest import add_persons, publish_now


def pages(release: Release) -> list[str]:
    return [
        reverse("release-admin-list"),
        reverse("release-admin-prepare"),
        reverse("release-admin-detail", kwargs={"pk": release.pk}),
        *(
            reverse("release-admin-action", kwargs={"pk": release.pk, "action": a})
            for a in ("review", "publish", "discard")
        ),
    ]


def test_permissions(estate, admin, prosecutor, client):
    release = services.prepare(None)
    for url in pages(release):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    client.force_login(prosecutor)
    for url in pages(release):
        assert client.get(url).status_code == 403, url
    for action in ("review", "publish", "discard"):
        url = reverse("release-admin-action", kwargs={"pk": release.pk, "action": action})
        assert client.post(url, {"confirm": "on"}).status_code == 403
    assert client.post(reverse("release-admin-prepare"), {"note": "x"}).status_code == 403
    assert Release.objects.get(pk=release.pk).status == "draft" and Release.objects.count() == 1
    assert b"/releases/" not in client.get("/").content  # no navigation link for a prosecutor
    client.force_login(admin)
    for url in pages(release):
        assert client.get(url).status_code == 200, url
    assert f'href="{reverse("release-admin-list")}"'.encode() in client.get("/").content


def test_workflow_through_the_pages(estate, admin, client):
    client.force_login(admin)
    response = client.post(
        reverse("release-admin-prepare"), {"note": "First", "note_ru": "Первый", "note_kk": "Бірінші"}
    )
    release = Release.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "release-admin-detail", kwargs={"pk": release.pk}
    )
    assert release.prepared_by == admin and release.note_ru == "Первый"
    review = reverse("release-admin-action", kwargs={"pk": release.pk, "action": "review"})
    publish = reverse("release-admin-action", kwargs={"pk": release.pk, "action": "publish"})
    # Without the box ticked nothing happens; the page says why.
    response = client.post(review, {})
    assert response.status_code == 200 and "confirm" in response.context["form"].errors
    assert Release.objects.get().status == "draft"
    # Publishing a draft is refused with the reason, on the page (not a 500).
    response = client.post(publish, {"confirm": "on"})
    assert response.status_code == 200 and "Only a reviewed release can be published." in response.content.decode()
    assert client.post(review, {"confirm": "on"}).status_code == 302
    assert Release.objects.get().status == "reviewed"
    assert client.post(publish, {"confirm": "on"}).status_code == 302
    release = Release.objects.get()
    assert (release.status, release.number, release.published_by) == ("published", 1, admin)
    page = client.get(reverse("release-admin-detail", kwargs={"pk": release.pk})).content.decode()
    assert 'id="immutable"' in page and f"?corrects={release.pk}" in page and 'id="publish"' not in page
    # No CSRF token: refused.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    draft = services.prepare(None)
    url = reverse("release-admin-action", kwargs={"pk": draft.pk, "action": "discard"})
    assert strict.post(url, {"confirm": "on"}).status_code == 403
    assert Release.objects.filter(pk=draft.pk).exists()
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not Release.objects.filter(pk=draft.pk).exists()
    discard_published = reverse("release-admin-action", kwargs={"pk": release.pk, "action": "discard"})
    response = client.post(discard_published, {"confirm": "on"})
    assert response.status_code == 200 and Release.objects.filter(pk=release.pk).exists()
    assert client.get(reverse("release-admin-action", kwargs={"pk": release.pk, "action": "delete"})).status_code == 404


def test_form_errors(estate, admin, client):
    client.force_login(admin)
    published = publish_now()
    draft = services.prepare(None)
    url = reverse("release-admin-prepare")
    response = client.post(url, {"corrects": published.pk})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    response = client.post(url, {"corrects": draft.pk, "note": "x"})
    assert response.status_code == 200 and "corrects" in response.context["form"].errors
    response = client.post(url, {"corrects": "999999", "note": "x"})
    assert response.status_code == 200 and "corrects" in response.context["form"].errors
    response = client.post(url, {"note": "x" * 20001})
    assert response.status_code == 200 and "note" in response.context["form"].errors
    assert Release.objects.count() == 2  # nothing written by the refused ones (and 20,000 characters is the most)
    offered = [value for value, _label in response.context["form"].fields["corrects"].widget.choices]
    assert published.pk in offered and draft.pk not in offered
    response = client.get(url, {"corrects": published.pk})
    assert response.context["form"].initial["corrects"] == str(published.pk)
    response = client.post(url, {"corrects": published.pk, "note": "Fixes F-A"})
    correction = Release.objects.order_by("-pk")[0]
    assert response.status_code == 302 and correction.corrects == published and correction.note == "Fixes F-A"


def test_release_page_shows_figures_suppressions_and_changes(estate, admin, client):
    client.force_login(admin)
    first = publish_now()
    add_persons(estate.c, dormitory=60)
    from tests.factories import FacilityFactory

    new = FacilityFactory(code="F-NEW", region__code="KZ-35")
    add_persons(new, dormitory=20)
    draft = services.prepare(admin)
    response = client.get(reverse("release-admin-detail", kwargs={"pk": draft.pk}))
    page = response.content.decode()
    assert 'id="region-figures"' in page and "KZ-35" in page and 'id="rules"' in page and "CC-BY-4.0" in page
    # The suppression list with the withheld unrounded values: F-B's 3 persons.
    suppressions = response.context["suppressions"]
    fb = next(s for s in suppressions if s["code"] == "F-B" and s["column"] == "persons_held")
    assert (fb["reason"], fb["value"]) == ("threshold", 3)
    assert '<td class="num withheld">3</td>' in page
    # What publishing will change: persons held nationally before -> after, the facility added.
    held = next(f for f in response.context["changes"] if f.name == "persons_held")
    assert (held.before, held.after) == (
        first.content["nation"]["persons_held"],
        draft.content["nation"]["persons_held"],
    )
    assert held.changed and held.before != held.after
    assert response.context["facility_changes"] == {"added": ["F-NEW"], "removed": []}
    assert "F-NEW" in page and 'id="changes"' in page
    confirm = client.get(reverse("release-admin-action", kwargs={"pk": draft.pk, "action": "review"}))
    assert 'id="changes"' in confirm.content.decode() and 'name="confirm"' in confirm.content.decode()


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_pages_in_each_language(estate, admin, client, language):
    client.force_login(admin)
    release = publish_now()
    client.cookies["django_language"] = language
    for url in pages(release)[:3]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
