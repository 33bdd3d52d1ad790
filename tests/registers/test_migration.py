"""ImportRecord moved from roadmap_portal to registers without moving data: a database migrated by the old
code upgrades in place (same table, same rows, the content type and its permissions follow the model)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from registers.models import ImportRecord

OLD = ("roadmap_portal", "0001_initial")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_table_keeps_its_name():
    assert ImportRecord._meta.db_table == "roadmap_portal_importrecord"
    assert ImportRecord._meta.app_label == "registers"


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_old_layout_upgrades_in_place():
    executor = _migrate([("registers", None)])  # back to the old layout: roadmap_portal 0001 only
    old_apps = executor.loader.project_state([OLD]).apps
    OldRecord = old_apps.get_model("roadmap_portal", "ImportRecord")
    record = OldRecord.objects.create(kind="cells", file_name="old.csv", rows=3)
    # As in a database of the old layout: the content type (and a permission given on it) is roadmap_portal's.
    ContentType.objects.filter(app_label="registers", model="importrecord").delete()
    old_type, _ = ContentType.objects.get_or_create(app_label="roadmap_portal", model="importrecord")
    permission, _ = Permission.objects.get_or_create(
        codename="view_importrecord", content_type=old_type, defaults={"name": "Can view"}
    )
    Group.objects.create(name="Readers").permissions.add(permission)
    try:
        _migrate(_leaves())
        moved = ImportRecord.objects.get()
        assert (moved.pk, moved.file_name, moved.rows) == (record.pk, "old.csv", 3)
        assert ContentType.objects.get(pk=old_type.pk).app_label == "registers"
        assert Group.objects.get(name="Readers").permissions.get().content_type.model_class() is ImportRecord
        assert ImportRecord.objects.create(kind="blocks", file_name="new.csv").pk != record.pk
    finally:
        _migrate(_leaves())
