"""The registry of recommendations: findings become recommendations of the prosecutor's mechanism in
place (mechanism from the inspection's body; region, facility and scope from the inspection, block and
cell), with source documents, actions, judgements and public evidence."""

import core.bounds
import core.fields
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


BODY_TO_MECHANISM = {"prosecutor": "prosecutor", "npm": "npm", "public_monitoring": "public_monitoring", "ministry": "ministry"}


def place_findings(apps, schema_editor):
    Finding = apps.get_model("inspections", "Finding")
    for finding in Finding.objects.select_related("inspection__facility", "block", "cell__block").iterator():
        facility = finding.inspection.facility
        finding.facility_id = facility.pk
        finding.region_id = facility.region_id
        finding.mechanism = BODY_TO_MECHANISM.get(finding.inspection.body, "prosecutor")
        if finding.cell_id and not finding.block_id:
            finding.block_id = finding.cell.block_id
        finding.scope = "cell" if finding.cell_id else "block" if finding.block_id else "facility"
        finding.save(update_fields=["facility", "region", "mechanism", "block", "scope"])


class Migration(migrations.Migration):

    dependencies = [
        ('cells', '0020_localised_texts'),
        ('facilities', '0007_registry_and_public'),
        ('inspections', '0007_announced_derived_from_type'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='finding',
            name='facility',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.facility', verbose_name='facility'),
        ),
        migrations.AddField(
            model_name='finding',
            name='judged_on',
            field=models.DateField(blank=True, null=True, verbose_name='date of the follow-up'),
        ),
        migrations.AddField(
            model_name='finding',
            name='judgement',
            field=models.CharField(blank=True, choices=[('achieved', 'achieved'), ('partially_achieved', 'partially achieved'), ('not_achieved', 'not achieved'), ('no_longer_applicable', 'no longer applicable')], max_length=24, verbose_name='judgement'),
        ),
        migrations.AddField(
            model_name='finding',
            name='mechanism',
            field=models.CharField(choices=[('prosecutor', "prosecutor's office"), ('npm', 'national preventive mechanism'), ('public_monitoring', 'public monitoring commission'), ('ministry', 'ministry'), ('spt', 'UN Subcommittee on Prevention of Torture'), ('cat', 'UN Committee against Torture'), ('upr', 'Universal Periodic Review')], default='prosecutor', max_length=20, verbose_name='mechanism'),
        ),
        migrations.AddField(
            model_name='finding',
            name='paragraph',
            field=models.CharField(blank=True, max_length=40, verbose_name='paragraph'),
        ),
        migrations.AddField(
            model_name='finding',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='facilities.region', verbose_name='region'),
        ),
        migrations.AddField(
            model_name='finding',
            name='responsible_body',
            field=models.CharField(blank=True, max_length=200, validators=[core.bounds.validate_free_text], verbose_name='responsible body'),
        ),
        migrations.AddField(
            model_name='finding',
            name='scope',
            field=models.CharField(choices=[('nation', 'nation'), ('region', 'region'), ('facility', 'facility'), ('block', 'residential block'), ('cell', 'cell')], default='facility', max_length=10, verbose_name='scope'),
        ),
        migrations.AddField(
            model_name='findingattachment',
            name='public',
            field=models.BooleanField(default=False, help_text="Shown on the public site beside the recommendation's judgement (never its file name).", verbose_name='public evidence'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='facility',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='facilities.facility', verbose_name='facility'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='judged_on',
            field=models.DateField(blank=True, null=True, verbose_name='date of the follow-up'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='judgement',
            field=models.CharField(blank=True, choices=[('achieved', 'achieved'), ('partially_achieved', 'partially achieved'), ('not_achieved', 'not achieved'), ('no_longer_applicable', 'no longer applicable')], max_length=24, verbose_name='judgement'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='mechanism',
            field=models.CharField(choices=[('prosecutor', "prosecutor's office"), ('npm', 'national preventive mechanism'), ('public_monitoring', 'public monitoring commission'), ('ministry', 'ministry'), ('spt', 'UN Subcommittee on Prevention of Torture'), ('cat', 'UN Committee against Torture'), ('upr', 'Universal Periodic Review')], default='prosecutor', max_length=20, verbose_name='mechanism'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='paragraph',
            field=models.CharField(blank=True, max_length=40, verbose_name='paragraph'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='region',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='facilities.region', verbose_name='region'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='responsible_body',
            field=models.CharField(blank=True, max_length=200, validators=[core.bounds.validate_free_text], verbose_name='responsible body'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='scope',
            field=models.CharField(choices=[('nation', 'nation'), ('region', 'region'), ('facility', 'facility'), ('block', 'residential block'), ('cell', 'cell')], default='facility', max_length=10, verbose_name='scope'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='inspection',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='findings', to='inspections.inspection'),
        ),
        migrations.AlterField(
            model_name='finding',
            name='severity',
            field=models.CharField(blank=True, choices=[('low', 'low'), ('medium', 'medium'), ('high', 'high'), ('critical', 'critical')], max_length=10, verbose_name='severity'),
        ),
        migrations.AlterField(
            model_name='historicalfinding',
            name='severity',
            field=models.CharField(blank=True, choices=[('low', 'low'), ('medium', 'medium'), ('high', 'high'), ('critical', 'critical')], max_length=10, verbose_name='severity'),
        ),
        migrations.CreateModel(
            name='Action',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('description', models.TextField(validators=[core.bounds.validate_free_text], verbose_name='action')),
                ('description_ru', models.TextField(blank=True, validators=[core.bounds.validate_free_text], verbose_name='action (Russian)')),
                ('description_kk', models.TextField(blank=True, validators=[core.bounds.validate_free_text], verbose_name='action (Kazakh)')),
                ('owner', models.CharField(max_length=200, validators=[core.bounds.validate_free_text], verbose_name='owner')),
                ('due_date', models.DateField(validators=[core.bounds.validate_date], verbose_name='due date')),
                ('status', models.CharField(choices=[('planned', 'planned'), ('in_progress', 'in progress'), ('done', 'done'), ('cancelled', 'cancelled')], default='planned', max_length=12, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, validators=[core.bounds.validate_date], verbose_name='completed on')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('finding', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='actions', to='inspections.finding')),
            ],
            options={
                'verbose_name': 'action',
                'verbose_name_plural': 'actions',
                'ordering': ['due_date', 'id'],
            },
        ),
        migrations.AddField(
            model_name='findingupdate',
            name='action',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='reports', to='inspections.action', verbose_name='action'),
        ),
        migrations.CreateModel(
            name='HistoricalAction',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('description', models.TextField(validators=[core.bounds.validate_free_text], verbose_name='action')),
                ('description_ru', models.TextField(blank=True, validators=[core.bounds.validate_free_text], verbose_name='action (Russian)')),
                ('description_kk', models.TextField(blank=True, validators=[core.bounds.validate_free_text], verbose_name='action (Kazakh)')),
                ('owner', models.CharField(max_length=200, validators=[core.bounds.validate_free_text], verbose_name='owner')),
                ('due_date', models.DateField(validators=[core.bounds.validate_date], verbose_name='due date')),
                ('status', models.CharField(choices=[('planned', 'planned'), ('in_progress', 'in progress'), ('done', 'done'), ('cancelled', 'cancelled')], default='planned', max_length=12, verbose_name='status')),
                ('completed_on', models.DateField(blank=True, null=True, validators=[core.bounds.validate_date], verbose_name='completed on')),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('finding', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.finding')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical action',
                'verbose_name_plural': 'historical actions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSourceDocument',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, help_text='raised by 1 on every save (core.versioning)', verbose_name='version')),
                ('mechanism', models.CharField(choices=[('prosecutor', "prosecutor's office"), ('npm', 'national preventive mechanism'), ('public_monitoring', 'public monitoring commission'), ('ministry', 'ministry'), ('spt', 'UN Subcommittee on Prevention of Torture'), ('cat', 'UN Committee against Torture'), ('upr', 'Universal Periodic Review')], max_length=20, verbose_name='mechanism')),
                ('reference', core.fields.NameField(max_length=120, verbose_name='reference')),
                ('date', models.DateField(validators=[core.bounds.validate_date], verbose_name='date')),
                ('title', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title')),
                ('title_ru', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title (Russian)')),
                ('title_kk', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title (Kazakh)')),
                ('url', models.URLField(blank=True, verbose_name='address of the published document')),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical source document',
                'verbose_name_plural': 'historical source documents',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='Judgement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('mechanism', models.CharField(choices=[('prosecutor', "prosecutor's office"), ('npm', 'national preventive mechanism'), ('public_monitoring', 'public monitoring commission'), ('ministry', 'ministry'), ('spt', 'UN Subcommittee on Prevention of Torture'), ('cat', 'UN Committee against Torture'), ('upr', 'Universal Periodic Review')], max_length=20, verbose_name='mechanism')),
                ('judgement', models.CharField(choices=[('achieved', 'achieved'), ('partially_achieved', 'partially achieved'), ('not_achieved', 'not achieved'), ('no_longer_applicable', 'no longer applicable')], max_length=24, verbose_name='judgement')),
                ('follow_up_date', models.DateField(validators=[core.bounds.validate_date], verbose_name='date of the follow-up')),
                ('note', models.TextField(blank=True, validators=[core.bounds.validate_free_text], verbose_name='note')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('author', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                ('finding', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='judgements', to='inspections.finding')),
            ],
            options={
                'verbose_name': 'judgement',
                'verbose_name_plural': 'judgements',
                'ordering': ['follow_up_date', 'created_at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='SourceDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(default=1, editable=False, help_text='raised by 1 on every save (core.versioning)', verbose_name='version')),
                ('mechanism', models.CharField(choices=[('prosecutor', "prosecutor's office"), ('npm', 'national preventive mechanism'), ('public_monitoring', 'public monitoring commission'), ('ministry', 'ministry'), ('spt', 'UN Subcommittee on Prevention of Torture'), ('cat', 'UN Committee against Torture'), ('upr', 'Universal Periodic Review')], max_length=20, verbose_name='mechanism')),
                ('reference', core.fields.NameField(max_length=120, verbose_name='reference')),
                ('date', models.DateField(validators=[core.bounds.validate_date], verbose_name='date')),
                ('title', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title')),
                ('title_ru', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title (Russian)')),
                ('title_kk', models.CharField(blank=True, max_length=300, validators=[core.bounds.validate_free_text], verbose_name='title (Kazakh)')),
                ('url', models.URLField(blank=True, verbose_name='address of the published document')),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
            ],
            options={
                'verbose_name': 'source document',
                'verbose_name_plural': 'source documents',
                'ordering': ['-date', 'reference'],
                'constraints': [models.UniqueConstraint(fields=('mechanism', 'reference'), name='source_document_unique_reference')],
            },
        ),
        migrations.AddField(
            model_name='finding',
            name='source_document',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='recommendations', to='inspections.sourcedocument', verbose_name='source document'),
        ),
        migrations.AddField(
            model_name='historicalfinding',
            name='source_document',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='inspections.sourcedocument', verbose_name='source document'),
        ),
        migrations.RunPython(place_findings, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=models.Q(('inspection__isnull', False), ('source_document__isnull', False), _connector='OR'), name='finding_has_a_source'),
        ),
        migrations.AddConstraint(
            model_name='finding',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('facility__isnull', True), ('region__isnull', True), ('scope', 'nation')), models.Q(('facility__isnull', True), ('region__isnull', False), ('scope', 'region')), models.Q(('facility__isnull', False), ('region__isnull', False), ('scope__in', ['facility', 'block', 'cell'])), _connector='OR'), name='finding_scope_matches_region_and_facility'),
        ),
    ]
