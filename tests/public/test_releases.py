"""Releases (public.services, public.models): a published release never changes, a correction is a new
release, two publications at once take consecutive numbers, ``publish_release`` does it all in one go,
and an unverified profile never appears."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from cells.models import StandardProfile
from public import package, services
from public.models import Release, canonical_json
from tests.conftest import requires_postgres
from tests.races import race

from .conftest import add_persons, publish_now


def all_files(release: Release) -> dict[str, bytes]:
    package._files.cache_clear()  # computed again from the database, not from the cache
    return dict(package.files(Release.objects.get(pk=release.pk)))


def test_workflow_numbers_and_dates(estate, admin):
    draft = services.prepare(admin, note="first")
    assert (draft.status, draft.number, draft.prepared_by) == ("draft", None, admin)
    with pytest.raises(ValidationError):
        services.publish(admin, draft)  # not reviewed
    reviewed = services.review(admin, draft)
    assert reviewed.status == "reviewed" and reviewed.reviewed_by == admin
    published = services.publish(admin, reviewed)
    assert (published.number, published.published_by) == (1, admin) and published.published_at
    assert publish_now().number == 2
    current = Release.objects.current()
    assert current is not None and current.number == 2


def test_only_administrators(estate, prosecutor):
    with pytest.raises(PermissionDenied):
        services.prepare(prosecutor)
    draft = services.prepare(None)
    for call in (services.review, services.publish, services.discard):
        with pytest.raises(PermissionDenied):
            call(prosecutor, draft)


def test_published_release_refuses_save_and_delete(estate):
    release = publish_now()
    release.note = "changed"
    with pytest.raises(ValidationError):
        release.save()
    with pytest.raises(ValidationError):
        Release.objects.get(pk=release.pk).delete()
    with pytest.raises(ValidationError):
        services.discard(None, release)
    assert Release.objects.get(pk=release.pk).note == ""


@requires_postgres
def test_database_trigger_refuses_update_and_delete(estate):
    release = publish_now()
    for sql in (
        "UPDATE public_release SET note = 'changed' WHERE id = %s",
        "UPDATE public_release SET content = '{}'::jsonb WHERE id = %s",
        "DELETE FROM public_release WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [release.pk])
    again = Release.objects.get(pk=release.pk)
    assert (again.note, again.sha256) == ("", release.sha256)
    # A draft is still a row like any other: the trigger only guards published releases.
    draft = services.prepare(None)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public_release WHERE id = %s", [draft.pk])
    assert not Release.objects.filter(pk=draft.pk).exists()


def test_content_and_files_byte_identical_after_new_data_and_another_release(estate):
    first = publish_now()
    content, sha = canonical_json(first.content), first.sha256
    files = all_files(first)
    add_persons(estate.a, dormitory=100)  # new data in the estate
    second = publish_now(note="more persons")
    assert second.content["nation"]["persons_held"] != first.content["nation"]["persons_held"]
    again = Release.objects.get(pk=first.pk)
    assert canonical_json(again.content) == content and again.sha256 == sha
    assert all_files(first) == files
    assert all_files(second)["nation.csv"] != files["nation.csv"]


def test_correction_is_a_new_release_with_a_note(estate):
    first = publish_now()
    with pytest.raises(ValidationError) as error:
        services.prepare(None, corrects=first)
    assert "note" in error.value.message_dict
    draft = services.prepare(None)
    with pytest.raises(ValidationError) as error:
        services.prepare(None, note="x", corrects=draft)
    assert "corrects" in error.value.message_dict
    correction = publish_now(note="Corrects the counts of F-A", corrects=first)
    assert (correction.number, correction.corrects, correction.note) == (2, first, "Corrects the counts of F-A")
    assert Release.objects.get(pk=first.pk).status == "published"  # the corrected one stays as it was
    meta = json.loads(all_files(correction)["release.json"])["release"]
    assert meta["corrects"] == 1 and meta["note"]["en"] == "Corrects the counts of F-A"


@pytest.mark.django_db(transaction=True)
def test_two_publications_at_once_take_consecutive_numbers(estate):
    drafts = [services.review(None, services.prepare(None, note=f"n{i}")) for i in range(2)]
    results = race(*(lambda d=d: services.publish(None, d) for d in drafts))
    assert all(isinstance(r, Release) for r in results), results
    assert sorted(r.number for r in results) == [1, 2]
    assert sorted(Release.objects.published().values_list("number", flat=True)) == [1, 2]
    # The same release published twice at once: one wins, the other is refused (not published twice).
    draft = services.review(None, services.prepare(None))
    results = race(lambda: services.publish(None, draft), lambda: services.publish(None, draft))
    assert sorted(type(r).__name__ for r in results) == ["Release", "ValidationError"], results
    assert Release.objects.get(pk=draft.pk).number == 3


def test_publish_release_command(estate):
    out = io.StringIO()
    call_command("publish_release", "--dry-run", stdout=out)
    assert not Release.objects.exists()  # nothing written
    text = out.getvalue()
    assert "Would publish release 1" in text and "suppressed: " in text and "F-B persons_held: threshold" in text
    out = io.StringIO()
    call_command(
        "publish_release", "--note", "Monthly", "--note-ru", "Ежемесячный", "--note-kk", "Ай сайын", stdout=out
    )
    release = Release.objects.get()
    assert (release.number, release.note, release.note_ru, release.note_kk) == (1, "Monthly", "Ежемесячный", "Ай сайын")
    assert f"suppressed: {len(release.suppressions)}" in out.getvalue()
    assert "published release 1" in out.getvalue()
    with pytest.raises(CommandError, match="note"):
        call_command("publish_release", "--corrects", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no published release"):
        call_command("publish_release", "--corrects", "7", "--note", "x", stdout=io.StringIO())
    call_command("publish_release", "--corrects", "1", "--note", "fix", stdout=io.StringIO())
    assert Release.objects.published().first().corrects == release
    assert Release.objects.count() == 2  # the refused ones wrote nothing


def test_unverified_profile_never_appears(estate, admin, client):
    StandardProfile.objects.create(
        code="UNVERIFIED-X",
        title="Unverified profile X",
        reference="a secondary source",
        verified=False,
        is_active=True,
    )
    flipped = StandardProfile.objects.filter(is_active=True, verified=True).order_by("code")[0]
    flipped.verified = False
    flipped.save()
    release = publish_now()
    hidden = ("UNVERIFIED-X", "Unverified profile X", flipped.code, flipped.title)
    body = canonical_json(release.content).decode() + json.dumps(release.suppressions, ensure_ascii=False)
    codes = [p["code"] for p in release.content["profiles"]]
    assert codes and flipped.code not in codes and "UNVERIFIED-X" not in codes
    for name, data in all_files(release).items():
        if name.endswith(".zip"):
            continue
        text = data.decode("utf-8-sig")
        for word in hidden:
            assert word not in text, (name, word)
            slug = word.lower().replace("-", "_")
            assert f"persons_compliant_{slug}" not in text, (name, word)
    for word in hidden:
        assert word not in body
    client.force_login(admin)
    for url in (f"/releases/{release.pk}/", "/releases/"):
        page = client.get(url).content.decode()
        assert not any(word in page for word in hidden), url
