"""ImportRecord moved to registers (registers 0001): deleted from this app's state only; its table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("roadmap_portal", "0001_initial"),
        ("registers", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ImportRecord")],
            database_operations=[],
        ),
    ]
