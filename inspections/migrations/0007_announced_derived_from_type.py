"""Whether an inspection was announced is derived from its type (Inspection.announced): the ``announced``
column, which could say "announced" for an inspection of type unannounced, is folded into ``type`` and
removed. A row that said "not announced" under another type (scheduled, follow-up) becomes of type
unannounced: that it was unannounced is what a reader of the record must not lose."""

from django.db import migrations


def fold_announced_into_type(apps, schema_editor):
    for name in ("Inspection", "HistoricalInspection"):
        model = apps.get_model("inspections", name)
        model.objects.filter(announced=False).exclude(type="unannounced").update(type="unannounced")


def restore_announced(apps, schema_editor):
    for name in ("Inspection", "HistoricalInspection"):
        model = apps.get_model("inspections", name)
        model.objects.filter(type="unannounced").update(announced=False)


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0006_localised_texts"),
    ]

    operations = [
        migrations.RunPython(fold_announced_into_type, restore_announced),
        migrations.RemoveField(
            model_name="historicalinspection",
            name="announced",
        ),
        migrations.RemoveField(
            model_name="inspection",
            name="announced",
        ),
    ]
