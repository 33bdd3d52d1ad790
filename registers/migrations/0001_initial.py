"""ImportRecord moved here from roadmap_portal: created in the migration state only. Its table,
roadmap_portal_importrecord, was created by roadmap_portal 0001 and keeps its name and rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Existing databases: the content type of roadmap_portal.importrecord becomes registers.importrecord,
    so that permissions given on it and the admin's log entries follow the model (a fresh database has no
    content type yet; post_migrate creates it)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="registers", model="importrecord").exists():
        ContentType.objects.using(db).filter(app_label="roadmap_portal", model="importrecord").update(
            app_label="registers"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="roadmap_portal", model="importrecord").exists():
        ContentType.objects.using(db).filter(app_label="registers", model="importrecord").update(
            app_label="roadmap_portal"
        )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("roadmap_portal", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('facilities', 'facility register'), ('blocks', 'residential blocks'), ('cells', 'cell survey'), ('headcounts', 'headcounts'), ('residence', 'population by home region')], max_length=12, verbose_name='kind')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('file', models.FileField(upload_to='imports/%Y/%m/')),
                        ('encoding', models.CharField(blank=True, max_length=20, verbose_name='encoding')),
                        ('sheet', models.CharField(blank=True, max_length=100, verbose_name='sheet')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded')),
                        ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='imported')),
                        ('status', models.CharField(choices=[('pending', 'waiting to be checked'), ('checked', 'checked (dry run)'), ('rejected', 'has rejected rows'), ('imported', 'imported'), ('failed', 'failed')], default='pending', max_length=10, verbose_name='status')),
                        ('rows', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('unchanged', models.PositiveIntegerField(default=0)),
                        ('rejected', models.PositiveIntegerField(default=0)),
                        ('errors', models.JSONField(blank=True, default=list)),
                        ('message', models.TextField(blank=True)),
                        ('confirmed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='confirmed by')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'roadmap_portal_importrecord',
                        'verbose_name': 'register import',
                        'verbose_name_plural': 'register imports',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
