"""A forbidden page (PermissionDenied, 403) is logged as one WARNING line, without a traceback
(core.log.ForbiddenOneLine on the django.request logger, settings.LOGGING)."""

import logging

from tests.conftest import make_user


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "django.request"]


def test_a_forbidden_page_logs_one_line_without_traceback(client, regions, caplog):
    client.force_login(make_user("no_role_here"))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/facilities/")
    assert response.status_code == 403
    records = _request_records(caplog)
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /facilities/")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_server_errors_keep_their_traceback():
    from core.log import ForbiddenOneLine

    try:
        raise ValueError("boom")
    except ValueError as error:
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), (ValueError, error, None))
    assert ForbiddenOneLine().filter(record) and record.exc_info is not None
