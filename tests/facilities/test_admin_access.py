"""The admin is entered only by staff users who read every region (facilities.admin_site): a region-scoped
user given ``is_staff`` and every ``view_*`` permission cannot list, open, pick (autocomplete, raw-id
pop-up, the foreign key choices of a form) or read the history of another region's records."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.conftest import make_user

VIEWERS = ("Prosecutors", "Ministry editors", "API clients")


@pytest.fixture
def staff(world):
    """The world's users given is_staff, their groups every view_* permission (as seed_demo grants)."""
    view_perms = Permission.objects.filter(codename__startswith="view_")
    for name in VIEWERS:
        Group.objects.get_or_create(name=name)[0].permissions.add(*view_perms)
    world.users["api_client_a"] = make_user("client_a", "API clients", regions=["KZ-35"])
    for user in world.users.values():
        user.is_staff = True
        user.save()
    return world


def admin_urls(world):
    b = world.b
    return {
        "index": "/admin/",
        "facility list": "/admin/facilities/facility/",
        "facility list filtered": f"/admin/facilities/facility/?region__id__exact={b.facility.region_id}",
        "facility change": f"/admin/facilities/facility/{b.facility.pk}/change/",
        "facility history": f"/admin/facilities/facility/{b.facility.pk}/history/",
        "facility history version": (
            f"/admin/facilities/facility/{b.facility.pk}/history/{b.facility.history.latest().history_id}/"
        ),
        "cell change": f"/admin/cells/cell/{b.cell.pk}/change/",
        "finding change": f"/admin/inspections/finding/{b.finding.pk}/change/",
        "raw-id pop-up": "/admin/facilities/facility/?_to_field=id&_popup=1",
        "cell add (block choices)": "/admin/cells/cell/add/",
        "inspection add (facility choices)": "/admin/inspections/inspection/add/",
        "autocomplete": "/admin/autocomplete/?app_label=facilities&model_name=residentialblock&field_name=facility&term=F",
        "project list": "/admin/facilities/conversionproject/",
    }


@pytest.mark.parametrize("who", ["editor_a", "prosecutor_a", "api_client_a", "nobody"])
def test_region_scoped_staff_are_kept_out_of_every_admin_page(client, staff, who):
    client.force_login(staff.users[who])
    for name, url in admin_urls(staff).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/admin/login/"), name
    login = client.get("/admin/login/?next=/admin/")
    assert login.status_code == 200 and "not authorized to access this page" in login.content.decode()
    assert "F-B" not in login.content.decode()


@pytest.mark.parametrize("who", ["superuser", "prosecutor"])
def test_national_staff_still_use_the_admin(client, staff, who):
    """A superuser, and a national prosecutor given is_staff (read-only: its view permissions)."""
    if who == "superuser":
        staff.users[who] = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(staff.users[who])
    response = client.get("/admin/facilities/facility/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "F-A" in text and "F-B" in text
    assert client.get(f"/admin/facilities/facility/{staff.b.facility.pk}/change/").status_code == 200


def test_the_header_admin_link_follows_the_rule(client, staff):
    client.force_login(staff.users["prosecutor"])
    assert 'href="/admin/"' in client.get("/account/tokens/").content.decode()
    client.force_login(staff.users["editor_a"])
    assert 'href="/admin/"' not in client.get("/account/tokens/").content.decode()
