"""The demo estate with its first published release, seeded once for the public site's tests (package
scope: seed_demo takes half a minute) and flushed after them, so that no other test sees it."""

import io

import pytest
from django.core.management import call_command


@pytest.fixture(scope="package")
def _public_demo_db(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def public_demo(_public_demo_db, db):
    """The current release of the demo (release 1), with the public site's memory caches emptied. Seeds
    again if a transactional test flushed the database in between."""
    from public import site_views
    from public.api import views as api_views
    from public.models import Release

    if not Release.objects.published().exists():
        call_command("seed_demo", stdout=io.StringIO())
    site_views.clear_cache()
    api_views.clear_cache()
    yield Release.objects.current()
    site_views.clear_cache()
    api_views.clear_cache()


def publish_fresh(note: str = "test release"):
    """Prepare, review and publish a release of today's figures (as the system); returns it."""
    from public import services, site_views
    from public.api import views as api_views

    release = services.publish(None, services.review(None, services.prepare(None, note=note)))
    site_views.clear_cache()
    api_views.clear_cache()
    return release
