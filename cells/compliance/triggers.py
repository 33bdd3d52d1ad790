"""The database trigger that keeps each cell's ``input_revision``: raised by one whenever an input of
the compliance evaluation (engine.INPUT_FIELDS) changes, whatever writes the row (a page, the API, an
import, plain SQL). A cell whose ``evaluated_revision`` differs needs evaluation; a partial index holds
exactly those cells, so an incremental run finds them without scanning the estate.

Installed after every ``migrate`` (PostgreSQL: a PL/pgSQL BEFORE UPDATE trigger; SQLite, the demo: an
AFTER UPDATE trigger), idempotently: SQLite drops triggers and custom indexes when a migration rebuilds
the table.
"""
from .engine import INPUT_FIELDS

TABLE = "cells_cell"
TRIGGER = "cells_cell_input_revision"
INDEX = "cells_cell_to_evaluate"
STALE = "(evaluated_revision IS NULL OR evaluated_revision <> input_revision)"  # the index's predicate


def due(alias: str) -> str:
    """The SQL condition that a cell (table alias ``alias``) needs evaluation: the index's predicate, so
    that PostgreSQL answers it from the partial index."""
    return f"({alias}.evaluated_revision IS NULL OR {alias}.evaluated_revision <> {alias}.input_revision)"


def statements(vendor: str) -> list[str]:
    """The SQL that (re)creates the trigger and the partial index on ``vendor`` ("postgresql" or
    "sqlite"). Raises ValueError for another database."""
    index = f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} (id) WHERE {STALE}"
    if vendor == "postgresql":
        old = ", ".join(f"OLD.{name}" for name in INPUT_FIELDS)
        new = ", ".join(f"NEW.{name}" for name in INPUT_FIELDS)
        return [
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
            index,
        ]
    if vendor == "sqlite":
        changed = "NOT (" + " AND ".join(f"OLD.{name} IS NEW.{name}" for name in INPUT_FIELDS) + ")"
        return [
            f"DROP TRIGGER IF EXISTS {TRIGGER}",
            f"""CREATE TRIGGER {TRIGGER} AFTER UPDATE ON {TABLE} FOR EACH ROW
            WHEN {changed} OR NEW.input_revision IS NOT OLD.input_revision
            BEGIN
                UPDATE {TABLE} SET input_revision = OLD.input_revision + CASE WHEN {changed} THEN 1 ELSE 0 END
                WHERE id = NEW.id;
            END""",
            index,
        ]
    raise ValueError(f"no input-revision trigger for the {vendor} database")


def install(connection) -> None:
    """(Re)create the trigger and the index on ``connection`` (a Django database connection)."""
    with connection.cursor() as cursor:
        for statement in statements(connection.vendor):
            cursor.execute(statement)


def install_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate receiver: install on the migrated database once the cells table exists."""
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        install(connection)
