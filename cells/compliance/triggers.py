"""The database triggers that keep each cell's ``input_revision`` and the list of cells due for
evaluation (DueCell), whatever writes the row (a page, the API, an import, plain SQL).

- ``input_revision`` is raised by one whenever an input of the compliance evaluation (INPUT_FIELDS)
  changes. A cell whose ``evaluated_revision`` differs (or is empty: never
  evaluated) is due.
- Every cell that is due after a write (an insert, or an update) gets a row in ``cells_duecell``: an
  incremental run reads that short list instead of scanning the estate, and deletes the rows of the
  cells it evaluated. A separate table rather than a partial index of the cells: an index whose
  predicate names ``evaluated_revision`` would make every evaluation of a cell a non-HOT update (a new
  entry in each of the cells' indexes); with the list apart, the run's update of a cell's evaluation
  record touches only its heap page.

Installed after every ``migrate`` (PostgreSQL: PL/pgSQL; SQLite, the demo: plain triggers), idempotently:
SQLite drops triggers and custom indexes when a migration rebuilds the table.
"""

INPUT_FIELDS = [
    "block_id",
    "accommodation_type",
    "living_space_m2",
    "design_capacity",
    "occupancy",
    "has_sanitary_annex",
    "sanitary_annex_partitioned",
    "min_wall_distance_m",
    "ceiling_height_m",
    "has_natural_light",
    "status",
]  # the cell columns a run reads; the block too: a cell moved counts in another block

TABLE = "cells_cell"
DUE_TABLE = "cells_duecell"
TRIGGER = "cells_cell_input_revision"
DUE_ON_UPDATE = "cells_cell_due_on_update"
DUE_ON_INSERT = "cells_cell_due_on_insert"
OLD_INDEX = "cells_cell_to_evaluate"  # the partial index of due cells that DUE_TABLE replaced


def due(alias: str) -> str:
    """The SQL condition that a cell (table alias ``alias``) needs evaluation."""
    return f"({alias}.evaluated_revision IS NULL OR {alias}.evaluated_revision <> {alias}.input_revision)"


def statements(vendor: str) -> list[str]:
    """The SQL that (re)creates the triggers on ``vendor`` ("postgresql" or "sqlite"). Raises ValueError
    for another database."""
    if vendor == "postgresql":
        old = ", ".join(f"OLD.{name}" for name in INPUT_FIELDS)
        new = ", ".join(f"NEW.{name}" for name in INPUT_FIELDS)
        return [
            f"DROP INDEX IF EXISTS {OLD_INDEX}",
            f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                -- The application never sets the revision: only a change of an input raises it.
                NEW.input_revision := OLD.input_revision
                    + CASE WHEN ROW({old}) IS DISTINCT FROM ROW({new}) THEN 1 ELSE 0 END;
                RETURN NEW;
            END $$""",
            # The WHEN clause spares the function call on the engine's own updates (no input changed).
            f"CREATE OR REPLACE TRIGGER {TRIGGER} BEFORE UPDATE ON {TABLE} FOR EACH ROW "
            f"WHEN (ROW({old}) IS DISTINCT FROM ROW({new}) OR NEW.input_revision IS DISTINCT FROM OLD.input_revision) "
            f"EXECUTE FUNCTION {TRIGGER}()",
            f"""CREATE OR REPLACE FUNCTION {DUE_ON_UPDATE}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {DUE_TABLE} (cell_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$""",
            # After the BEFORE trigger raised the revision; the engine's own updates (due no more) skip it.
            f"CREATE OR REPLACE TRIGGER {DUE_ON_UPDATE} AFTER UPDATE ON {TABLE} FOR EACH ROW "
            f"WHEN {due('NEW')} EXECUTE FUNCTION {DUE_ON_UPDATE}()",
            f"""CREATE OR REPLACE FUNCTION {DUE_ON_INSERT}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {DUE_TABLE} (cell_id) SELECT n.id FROM inserted n WHERE {due("n")}
                ON CONFLICT DO NOTHING;
                RETURN NULL;
            END $$""",
            # Once a statement: a bulk load (COPY, bulk_create) lists its cells in one INSERT.
            f"CREATE OR REPLACE TRIGGER {DUE_ON_INSERT} AFTER INSERT ON {TABLE} REFERENCING NEW TABLE AS inserted "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {DUE_ON_INSERT}()",
        ]
    if vendor == "sqlite":
        changed = "NOT (" + " AND ".join(f"OLD.{name} IS NEW.{name}" for name in INPUT_FIELDS) + ")"
        # No conflict to resolve (a statement's own policy, an upsert's or UPDATE OR ABORT, would override
        # the trigger's OR IGNORE): insert only what is not listed yet.
        listed = (
            f"INSERT INTO {DUE_TABLE} (cell_id) SELECT NEW.id "
            f"WHERE NOT EXISTS (SELECT 1 FROM {DUE_TABLE} WHERE cell_id = NEW.id);"
        )
        return [
            f"DROP INDEX IF EXISTS {OLD_INDEX}",
            f"DROP TRIGGER IF EXISTS {TRIGGER}",
            f"""CREATE TRIGGER {TRIGGER} AFTER UPDATE ON {TABLE} FOR EACH ROW
            WHEN {changed} OR NEW.input_revision IS NOT OLD.input_revision
            BEGIN
                UPDATE {TABLE} SET input_revision = OLD.input_revision + CASE WHEN {changed} THEN 1 ELSE 0 END
                WHERE id = NEW.id;
                {listed}
            END""",
            f"DROP TRIGGER IF EXISTS {DUE_ON_UPDATE}",
            f"CREATE TRIGGER {DUE_ON_UPDATE} AFTER UPDATE ON {TABLE} FOR EACH ROW WHEN {due('NEW')} BEGIN {listed} END",
            f"DROP TRIGGER IF EXISTS {DUE_ON_INSERT}",
            f"CREATE TRIGGER {DUE_ON_INSERT} AFTER INSERT ON {TABLE} FOR EACH ROW WHEN {due('NEW')} BEGIN {listed} END",
        ]
    raise ValueError(f"no input-revision trigger for the {vendor} database")


def install(connection) -> None:
    """(Re)create the triggers on ``connection`` (a Django database connection)."""
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor):
            cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate receiver: install on the migrated database once the cells table exists."""
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        install(connection)
