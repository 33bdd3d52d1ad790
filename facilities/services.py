"""Writes of the facilities app."""
import csv
from pathlib import Path

from django.conf import settings
from django.db import transaction

from core.sync import SyncCounts, sync_rows

from .models import Region

REGIONS_PATH = Path(settings.BASE_DIR) / "data" / "regions.csv"


@transaction.atomic
def load_regions(path: Path = REGIONS_PATH) -> SyncCounts:
    """Create or update the 20 regions from ``data/regions.csv`` (ISO 3166-2:KZ codes, names in en/ru/kk).

    Columns: iso_code, kind, name_en, name_ru, name_kk, centre_en, created. Idempotent.
    Raises KeyError for a missing column.
    """
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [{
            "code": row["iso_code"].strip(),
            "kind": row["kind"].strip(),
            "name_en": row["name_en"].strip(),
            "name_ru": row["name_ru"].strip(),
            "name_kk": row["name_kk"].strip(),
            "centre": row["centre_en"].strip(),
            "created_year": int(row["created"]) if row["created"].strip() else None,
        } for row in csv.DictReader(handle)]
    return sync_rows(Region, ("code",), rows)
