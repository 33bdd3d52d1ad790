# Squashed from cells 0001..0014 (python manage.py squashmigrations cells 0001 0014), then optimised by
# hand to the schema those migrations end with (Django 5.2.19).
#
# Django runs this migration only on a database where none of 0001..0014 is applied (a new install); a
# database where all of them are applied records it as applied, one part way through finishes with the old
# files first. So the old files stay until every deployment has migrated past 0014 (docs/operations.md,
# "Upgrading"); then they, and ``replaces``, can go.
#
# What the squash leaves out, and why:
# - the columns and the table that 0001..0014 add and later drop: ComplianceResult (0001, dropped in 0013),
#   Cell.evaluated_hash (0002, dropped in 0006), Cell.evaluated_failures (0008, dropped in 0010), the
#   ComplianceResult columns of 0002 (dropped in 0004), BlockCompliance's totals (0005, moved to BlockTotals
#   in 0014), the snapshot index snapshot_latest (0002, dropped in 0006);
# - the data operations, which have no row to act on in a new database: 0005's deletion of the block
#   snapshots, 0011's listing of the cells due (cells_duecell; the triggers of cells.compliance.triggers,
#   installed after every migrate, list the cells due from then on), 0014's copy of the block totals.
# What it keeps: every table, column, index and constraint of the models, and 0005's and 0014's fillfactor
# on PostgreSQL (leave_room_for_updates below, copied from them).

import django.core.validators
import django.db.models.deletion
import simple_history.models
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


def leave_room_for_updates(apps, schema_editor):
    """PostgreSQL: free space in each page, so that a run's updates of block figures and totals stay on
    their page (HOT updates, no new index entries). From 0005 (block figures) and 0014 (block totals)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cells_blockcompliance SET (fillfactor = 70)")
        schema_editor.execute("ALTER TABLE cells_blocktotals SET (fillfactor = 70)")


class Migration(migrations.Migration):

    replaces = [
        ('cells', '0001_initial'),
        ('cells', '0002_snapshot_history_incremental_runs'),
        ('cells', '0003_results_without_redundant_indexes'),
        ('cells', '0004_input_revisions_and_contributions'),
        ('cells', '0005_block_compliance'),
        ('cells', '0006_cells_without_input_hash_snapshot_indexes'),
        ('cells', '0007_results_profile_index'),
        ('cells', '0008_cell_evaluated_failures'),
        ('cells', '0009_run_blocks_version'),
        ('cells', '0010_cell_drop_evaluated_failures'),
        ('cells', '0011_due_cells'),
        ('cells', '0012_snapshot_profile_index'),
        ('cells', '0013_results_read_from_outcome_codes'),
        ('cells', '0014_block_totals'),
    ]

    initial = True

    dependencies = [
        ('facilities', '0002_roadmap_target'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='BlockTotals',
            fields=[
                ('block', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='totals', serialize=False, to='facilities.residentialblock')),
                ('persons', models.PositiveIntegerField(default=0, verbose_name='persons')),
                ('places', models.PositiveIntegerField(default=0, verbose_name='places')),
                ('persons_in_single_cells', models.PositiveIntegerField(default=0, verbose_name='persons in single-occupancy cells')),
                ('cells', models.PositiveIntegerField(default=0, verbose_name='cells')),
            ],
            options={
                'verbose_name': 'block totals',
                'verbose_name_plural': 'block totals',
            },
        ),
        migrations.CreateModel(
            name='DueCell',
            fields=[
                ('cell_id', models.BigIntegerField(primary_key=True, serialize=False)),
            ],
        ),
        migrations.CreateModel(
            name='OutcomeLayout',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=12, unique=True)),
                ('profiles', models.JSONField()),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'outcome layout',
                'verbose_name_plural': 'outcome layouts',
            },
        ),
        migrations.CreateModel(
            name='StandardProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, unique=True, verbose_name='code')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('reference', models.CharField(max_length=500, verbose_name='reference')),
                ('verified', models.BooleanField(default=False, verbose_name='verified against the official text')),
                ('verification_note', models.TextField(blank=True, verbose_name='verification note')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('position', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'verbose_name': 'standard profile',
                'verbose_name_plural': 'standard profiles',
                'ordering': ['position', 'code'],
            },
        ),
        migrations.CreateModel(
            name='ComplianceRun',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('run_date', models.DateField(verbose_name='snapshot date')),
                ('trigger', models.CharField(default='manual', max_length=20, verbose_name='trigger')),
                ('full', models.BooleanField(default=False, verbose_name='every cell evaluated')),
                ('rules_version', models.CharField(blank=True, help_text='fingerprint of the active rules the run evaluated against', max_length=32)),
                ('blocks_version', models.CharField(blank=True, default='', help_text='fingerprint of the blocks and their facilities when the run wrote its snapshots (cells.compliance.engine.blocks_version)', max_length=32)),
                ('started_at', models.DateTimeField(verbose_name='started')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished')),
                ('outcome', models.CharField(choices=[('running', 'running'), ('succeeded', 'succeeded'), ('failed', 'failed'), ('skipped', 'skipped: another run in progress'), ('interrupted', 'interrupted')], default='running', max_length=12, verbose_name='outcome')),
                ('cells_evaluated', models.PositiveIntegerField(default=0)),
                ('results_written', models.PositiveIntegerField(default=0, help_text='cells in use whose results changed: other outcome codes, or newly in use')),
                ('results_deleted', models.PositiveIntegerField(default=0, help_text='cells whose results went: they left use')),
                ('snapshots_written', models.PositiveIntegerField(default=0)),
                ('error', models.TextField(blank=True)),
                ('facility', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='facilities.facility')),
            ],
            options={
                'verbose_name': 'compliance run',
                'verbose_name_plural': 'compliance runs',
                'ordering': ['-started_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCell',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('number', models.CharField(max_length=20, verbose_name='number')),
                ('accommodation_type', models.CharField(choices=[('dormitory', 'dormitory'), ('multiple_occupancy_cell', 'multiple-occupancy cell'), ('single_occupancy_cell', 'single-occupancy cell')], max_length=24, verbose_name='accommodation type')),
                ('living_space_m2', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(10000)], verbose_name='living space (m²)')),
                ('design_capacity', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='design capacity (persons)')),
                ('occupancy', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(1000)], verbose_name='occupancy (persons)')),
                ('occupancy_date', models.DateField(blank=True, null=True, verbose_name='date of the count')),
                ('has_sanitary_annex', models.BooleanField(blank=True, null=True, verbose_name='sanitary annex')),
                ('sanitary_annex_partitioned', models.BooleanField(blank=True, null=True, verbose_name='sanitary annex fully partitioned')),
                ('min_wall_distance_m', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(100)], verbose_name='distance between walls (m)')),
                ('ceiling_height_m', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(100)], verbose_name='ceiling height (m)')),
                ('has_natural_light', models.BooleanField(blank=True, null=True, verbose_name='natural light')),
                ('status', models.CharField(choices=[('in_use', 'in use'), ('under_reconstruction', 'under reconstruction'), ('decommissioned', 'decommissioned')], default='in_use', max_length=24, verbose_name='status')),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('block', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='facilities.residentialblock', verbose_name='residential block')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical cell',
                'verbose_name_plural': 'historical cells',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalStandardProfile',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=20, verbose_name='code')),
                ('title', models.CharField(max_length=300, verbose_name='title')),
                ('reference', models.CharField(max_length=500, verbose_name='reference')),
                ('verified', models.BooleanField(default=False, verbose_name='verified against the official text')),
                ('verification_note', models.TextField(blank=True, verbose_name='verification note')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical standard profile',
                'verbose_name_plural': 'historical standard profiles',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalStandardRule',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=20, verbose_name='code')),
                ('metric', models.CharField(max_length=40, verbose_name='metric')),
                ('operator', models.CharField(choices=[('>=', '≥'), ('<=', '≤'), ('==', '=')], max_length=2, verbose_name='operator')),
                ('value', models.JSONField(verbose_name='threshold')),
                ('unit', models.CharField(blank=True, max_length=20, verbose_name='unit')),
                ('applies_to', models.JSONField(default=list, verbose_name='applies to accommodation types')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
                ('summary', models.TextField(blank=True, verbose_name='summary')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('profile', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cells.standardprofile')),
            ],
            options={
                'verbose_name': 'historical standard rule',
                'verbose_name_plural': 'historical standard rules',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='StandardRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(max_length=20, unique=True, verbose_name='code')),
                ('metric', models.CharField(max_length=40, verbose_name='metric')),
                ('operator', models.CharField(choices=[('>=', '≥'), ('<=', '≤'), ('==', '=')], max_length=2, verbose_name='operator')),
                ('value', models.JSONField(verbose_name='threshold')),
                ('unit', models.CharField(blank=True, max_length=20, verbose_name='unit')),
                ('applies_to', models.JSONField(default=list, verbose_name='applies to accommodation types')),
                ('source', models.CharField(max_length=300, verbose_name='source')),
                ('summary', models.TextField(blank=True, verbose_name='summary')),
                ('position', models.PositiveSmallIntegerField(default=0)),
                ('profile', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='cells.standardprofile')),
            ],
            options={
                'verbose_name': 'standard rule',
                'verbose_name_plural': 'standard rules',
                'ordering': ['profile__position', 'position', 'code'],
            },
        ),
        migrations.CreateModel(
            name='Cell',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.CharField(max_length=20, verbose_name='number')),
                ('accommodation_type', models.CharField(choices=[('dormitory', 'dormitory'), ('multiple_occupancy_cell', 'multiple-occupancy cell'), ('single_occupancy_cell', 'single-occupancy cell')], max_length=24, verbose_name='accommodation type')),
                ('living_space_m2', models.DecimalField(blank=True, decimal_places=2, max_digits=8, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(10000)], verbose_name='living space (m²)')),
                ('design_capacity', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1000)], verbose_name='design capacity (persons)')),
                ('occupancy', models.PositiveIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(1000)], verbose_name='occupancy (persons)')),
                ('occupancy_date', models.DateField(blank=True, null=True, verbose_name='date of the count')),
                ('has_sanitary_annex', models.BooleanField(blank=True, null=True, verbose_name='sanitary annex')),
                ('sanitary_annex_partitioned', models.BooleanField(blank=True, null=True, verbose_name='sanitary annex fully partitioned')),
                ('min_wall_distance_m', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(100)], verbose_name='distance between walls (m)')),
                ('ceiling_height_m', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(100)], verbose_name='ceiling height (m)')),
                ('has_natural_light', models.BooleanField(blank=True, null=True, verbose_name='natural light')),
                ('status', models.CharField(choices=[('in_use', 'in use'), ('under_reconstruction', 'under reconstruction'), ('decommissioned', 'decommissioned')], default='in_use', max_length=24, verbose_name='status')),
                ('is_demo', models.BooleanField(default=False, verbose_name='generated demo data')),
                ('evaluated_outcomes', models.CharField(blank=True, editable=False, help_text='outcome codes of every active rule at the last evaluation (cells.compliance.engine.outcome_codes_expression)', max_length=400, null=True)),
                ('input_revision', models.BigIntegerField(db_default=1, default=1, editable=False, help_text='raised by a database trigger whenever an input of the compliance evaluation changes, whatever writes it (cells.compliance.engine.install_revision_trigger)')),
                ('evaluated_revision', models.BigIntegerField(blank=True, editable=False, help_text='input_revision at the last compliance evaluation', null=True)),
                ('evaluated_block_id', models.BigIntegerField(blank=True, editable=False, null=True)),
                ('evaluated_persons', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('evaluated_places', models.PositiveIntegerField(blank=True, editable=False, null=True)),
                ('evaluated_single', models.BooleanField(blank=True, editable=False, null=True)),
                ('outcomes_changed_at', models.DateTimeField(blank=True, editable=False, help_text='when a run last recorded other outcome codes for the cell', null=True, verbose_name='compliance outcomes last changed')),
                ('block', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cells', to='facilities.residentialblock', verbose_name='residential block')),
            ],
            options={
                'verbose_name': 'cell',
                'verbose_name_plural': 'cells',
                'ordering': ['block_id', 'number', 'id'],
                'indexes': [models.Index(fields=['status', 'accommodation_type'], name='cells_cell_status_153752_idx')],
                'constraints': [models.UniqueConstraint(fields=('block', 'number'), name='cell_unique_number_per_block'), models.CheckConstraint(condition=models.Q(('living_space_m2__gt', 0), ('living_space_m2__isnull', True), _connector='OR'), name='cell_living_space_positive', violation_error_message='Living space (m²) must be greater than 0; leave it empty when unknown.'), models.CheckConstraint(condition=models.Q(('design_capacity__gte', 1), ('design_capacity__isnull', True), _connector='OR'), name='cell_design_capacity_positive', violation_error_message='Design capacity is at least 1 person; leave it empty when unknown.'), models.CheckConstraint(condition=models.Q(('occupancy__gte', 0), ('occupancy__isnull', True), _connector='OR'), name='cell_occupancy_not_negative', violation_error_message='Occupancy cannot be negative.'), models.CheckConstraint(condition=models.Q(('min_wall_distance_m__gt', 0), ('min_wall_distance_m__isnull', True), _connector='OR'), name='cell_wall_distance_positive', violation_error_message='The distance between walls (m) must be greater than 0.'), models.CheckConstraint(condition=models.Q(('ceiling_height_m__gt', 0), ('ceiling_height_m__isnull', True), _connector='OR'), name='cell_ceiling_height_positive', violation_error_message='The ceiling height (m) must be greater than 0.'), models.CheckConstraint(condition=models.Q(models.Q(('accommodation_type', 'single_occupancy_cell'), _negated=True), models.Q(('design_capacity', 1), ('design_capacity__isnull', False)), _connector='OR'), name='cell_single_occupancy_capacity_1', violation_error_message='A single-occupancy cell has a design capacity of exactly 1.')],
            },
        ),
        migrations.CreateModel(
            name='ComplianceSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('persons', models.PositiveIntegerField(default=0, verbose_name='persons')),
                ('places', models.PositiveIntegerField(default=0, verbose_name='places')),
                ('persons_compliant', models.PositiveIntegerField(default=0, verbose_name='persons in compliant accommodation')),
                ('persons_in_single_cells', models.PositiveIntegerField(default=0, verbose_name='persons in single-occupancy cells')),
                ('cells', models.PositiveIntegerField(default=0, verbose_name='cells')),
                ('cells_compliant', models.PositiveIntegerField(default=0, verbose_name='compliant cells')),
                ('cells_non_compliant', models.PositiveIntegerField(default=0, verbose_name='non-compliant cells')),
                ('cells_unknown', models.PositiveIntegerField(default=0, verbose_name='cells with unknown status')),
                ('date', models.DateField(verbose_name='date')),
                ('scope', models.CharField(choices=[('facility', 'facility'), ('region', 'region'), ('nation', 'nation')], max_length=10, verbose_name='scope')),
                ('object_id', models.BigIntegerField(verbose_name='object id')),
                ('is_reconstructed', models.BooleanField(db_default=False, default=False, help_text="Rows written by seed_demo for dates before the first run, reconstructed from the demo's completed conversions; never the output of a compliance run.", verbose_name='reconstructed (generated demo history)')),
                ('profile', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='snapshots', to='cells.standardprofile')),
            ],
            options={
                'verbose_name': 'compliance snapshot',
                'verbose_name_plural': 'compliance snapshots',
                'ordering': ['-date', 'profile', 'scope', 'object_id'],
                'indexes': [models.Index(fields=['profile', 'scope', 'object_id', 'date'], name='snapshot_series'), models.Index(condition=models.Q(('scope', 'nation')), fields=['date'], name='snapshot_nation_dates')],
                'constraints': [models.UniqueConstraint(fields=('date', 'profile', 'scope', 'object_id'), name='snapshot_unique_scope_day')],
            },
        ),
        migrations.CreateModel(
            name='BlockCompliance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('persons_compliant', models.PositiveIntegerField(default=0, verbose_name='persons in compliant accommodation')),
                ('cells_compliant', models.PositiveIntegerField(default=0, verbose_name='compliant cells')),
                ('cells_non_compliant', models.PositiveIntegerField(default=0, verbose_name='non-compliant cells')),
                ('cells_unknown', models.PositiveIntegerField(default=0, verbose_name='cells with unknown status')),
                ('block', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='compliance', to='facilities.residentialblock')),
                ('profile', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='block_figures', to='cells.standardprofile')),
            ],
            options={
                'verbose_name': 'block compliance figures',
                'verbose_name_plural': 'block compliance figures',
                'constraints': [models.UniqueConstraint(fields=('block', 'profile'), name='block_compliance_unique')],
            },
        ),
        migrations.RunPython(leave_room_for_updates, migrations.RunPython.noop),
    ]
