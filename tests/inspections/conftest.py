"""Fixtures of the inspections tests: the registry's world (tests/inspections/registry_helpers.py)."""

from tests.inspections.registry_helpers import registry_world  # noqa: F401  (a fixture)
