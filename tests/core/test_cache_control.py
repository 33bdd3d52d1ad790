"""``Cache-Control: private, no-store`` on every response to an authenticated request (pages, exports,
API by token or session, error pages); anonymous pages and static files keep their own caching
(core.middleware.PrivateCacheMiddleware)."""

import pytest

from tests.conftest import make_user

PRIVATE = "private, no-store"


@pytest.mark.parametrize(
    "path",
    ["/", "/facilities/", "/facilities/?export=csv", "/findings/?export=xlsx", "/account/tokens/", "/api/v1/regions/"],
)
def test_every_authenticated_page_download_and_session_api_response_is_private(client, world, path):
    client.force_login(world.users["editor_a"])
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_api_by_token_is_private(world):
    response = world.clients["api_client"].get("/api/v1/facilities/")
    assert response.status_code == 200 and response["Cache-Control"] == PRIVATE
    assert world.clients["api_client"].get("/api/v1/nowhere/")["Cache-Control"] == PRIVATE  # 404 too


def test_error_pages_of_a_logged_in_user_are_private(client, world):
    client.force_login(world.users["editor_a"])
    foreign = client.get(f"/facilities/{world.b.facility.pk}/")
    assert foreign.status_code == 404 and foreign["Cache-Control"] == PRIVATE
    client.force_login(make_user("role_less"))
    forbidden = client.get("/")
    assert forbidden.status_code == 403 and forbidden["Cache-Control"] == PRIVATE


def test_anonymous_responses_and_static_files_keep_their_caching(client, world):
    login = client.get("/login/")  # Django's own never_cache, unchanged
    assert login.status_code == 200
    assert login["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    anonymous_api = client.get("/api/v1/regions/")
    assert anonymous_api.status_code in (401, 403) and "Cache-Control" not in anonymous_api
    client.force_login(world.users["editor_a"])
    static = client.get("/static/css/portal.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "") and "max-age" in static["Cache-Control"]
