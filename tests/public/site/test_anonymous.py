"""Issue 20, "Done when": anonymous requests to every internal page and API still answer 302 to the login
page or 401, now that /public/ and /api/public/v1/ answer without login.

Pages: every URL pattern of the resolver (walked recursively, the admin's included) except the public
site, the API, static files, the login pages and the language switch, requested with sample arguments
from the demo database (an existing row's id for the pattern's model, a region or facility code).
API: every operation of the OpenAPI schema under /api/v1/ (and the schema and docs themselves)."""

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from rest_framework.test import APIClient

from cells.models import Cell, CertificationRequest
from facilities.models import ConversionProject, Facility, ResidentialBlock
from inspections.models import Finding, Inspection
from registers.models import ImportRecord

EXEMPT = ("public/", "api/", "static/", "login/", "admin/login/", "i18n/", "__debug__/")
METHODS = ("get", "post", "put", "patch", "delete")


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), isinstance(pattern.pattern, RoutePattern)


def _samples():
    """A sample value for each path parameter, by the route's first part: an existing demo row."""
    first = lambda model: model.objects.order_by("pk").values_list("pk", flat=True).first() or 1  # noqa: E731
    facility = Facility.objects.order_by("pk").first()
    return {
        "facilities": first(Facility),
        "conversions": first(ConversionProject),
        "blocks": first(ResidentialBlock),
        "cells": first(Cell),
        "certification": first(CertificationRequest),
        "inspections": first(Inspection),
        "findings": first(Finding),
        "imports": first(ImportRecord),
        "history": first(Facility),
        "code": facility.region.code,
        "kind": "facility",
    }


def _fill(route: str, samples: dict) -> str:
    head = route.split("/", 1)[0]

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "int":
            return str(samples.get(head, 1))
        if name == "code":
            return samples["code"]
        if name == "kind":
            return samples["kind"]
        return "1"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def test_every_internal_page_redirects_an_anonymous_visitor_to_the_login(public_demo, client):
    samples = _samples()
    checked, skipped = [], []
    for route, is_route in _routes(get_resolver().url_patterns):
        if route.startswith(EXEMPT) or route == "":
            if route == "":
                checked.append("/")  # the dashboard: below
            continue
        if not is_route:  # a regular expression (some admin URLs): its sample is its simplest match
            skipped.append(route)
            continue
        url = _fill(route, samples)
        response = client.get(url)
        assert response.status_code == 302, (url, response.status_code)
        location = response["Location"]
        assert location.startswith((resolve_url(settings.LOGIN_URL) + "?next=", "/admin/login/?next=")), (url, location)
        assert not response.has_header("Cache-Control") or "public" not in response["Cache-Control"]
        checked.append(url)
    dashboard = client.get("/")
    assert dashboard.status_code == 302 and dashboard["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert len(checked) > 150, len(checked)  # the admin's pages too
    assert len(skipped) < 20, skipped


def _api_operations(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method in METHODS:
            if method in item:
                yield method, path


@pytest.mark.parametrize("extra", ["/api/schema/", "/api/v1/"])
def test_the_schema_and_api_root_refuse_anonymous_requests(public_demo, extra):
    assert APIClient().get(extra).status_code in (401, 403)


def test_every_internal_api_operation_answers_401_to_an_anonymous_request(public_demo, api):
    samples = _samples()
    operations = list(_api_operations(api))
    assert len(operations) >= 60
    anonymous = APIClient()
    for method, path in operations:
        head = path.removeprefix("/api/v1/").split("/", 1)[0]
        url = re.sub(r"\{id\}", str(samples.get(head, 1)), path)
        url = re.sub(r"\{[^}]+\}", "1", url)
        kwargs = {"format": "json", "data": {}} if method in ("post", "put", "patch") else {}
        response = getattr(anonymous, method)(url, **kwargs)
        assert response.status_code == 401, (method.upper(), url, response.status_code)
        assert response.has_header("WWW-Authenticate")
