"""Shared fixtures of the registry tests: monitors of several mechanisms and scopes, and recommendations of
the NPM at facility scope and of the UN Subcommittee at national scope (on the two-region ``world``)."""

import datetime
from types import SimpleNamespace

import pytest

from facilities.models import Region, StaffProfile
from inspections import registry
from tests.conftest import make_user, token_client

DAY = datetime.date(2025, 3, 1)


def make_monitor(username: str, mechanism: str, regions: tuple[str, ...] = ()):
    """A user of the group Monitors with ``mechanism`` and ``regions`` (none: national)."""
    user = make_user(username, "Monitors")
    profile = StaffProfile.objects.create(user=user, mechanism=mechanism)
    profile.regions.set(Region.objects.filter(code__in=regions))
    return user


@pytest.fixture
def registry_world(world):
    """``world`` plus monitors (NPM national, NPM of region A, SPT national), their API clients, and two
    recommendations: the NPM's about facility A (a visit report) and the SPT's for the nation."""
    monitors = {
        "npm": make_monitor("npm_nat", "npm"),
        "npm_a": make_monitor("npm_a", "npm", ("KZ-35",)),
        "spt": make_monitor("spt_nat", "spt"),
    }
    npm_report = registry.save_source_document(
        user=monitors["npm"],
        data={"mechanism": "npm", "reference": "NPM-2024/17", "date": DAY, "title": "Visit to F-A"},
    )
    spt_report = registry.save_source_document(
        user=monitors["spt"],
        data={
            "mechanism": "spt",
            "reference": "CAT/OP/KAZ/ROSP/1",
            "date": datetime.date(2024, 1, 10),
            "url": "https://www.ohchr.org/en/treaty-bodies/spt",
        },
    )
    npm_rec = registry.save_recommendation(
        user=monitors["npm"],
        data={
            "mechanism": "npm",
            "source_document": npm_report,
            "paragraph": "12",
            "scope": "facility",
            "facility": world.a.facility,
            "responsible_body": "Department of the penal correction system, Karaganda",
            "description": "Dormitories hold 50 persons in 150 m2",
            "description_ru": "В общежитиях 50 человек на 150 м2",
            "description_kk": "Жатақханаларда 150 м2-та 50 адам",
            "recommendation": "Reduce the occupancy of the dormitory",
            "deadline": datetime.date(2025, 12, 31),
        },
    )
    spt_rec = registry.save_recommendation(
        user=monitors["spt"],
        data={
            "mechanism": "spt",
            "source_document": spt_report,
            "paragraph": "45",
            "scope": "nation",
            "responsible_body": "Committee of the Penal Correction System",
            "description": "Single cells for every person held",
        },
    )
    clients = {name: token_client(user) for name, user in monitors.items()}
    return SimpleNamespace(
        world=world,
        monitors=monitors,
        clients=clients,
        npm_report=npm_report,
        spt_report=spt_report,
        npm_rec=npm_rec,
        spt_rec=spt_rec,
    )
