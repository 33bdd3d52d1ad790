"""Benchmark of the list exports (issue 16, item 6): a 100,000-row cell export as CSV and as XLSX, on
PostgreSQL. Prints one table; a script, not a test (docs/performance.md, §Exports (issue 16)).

The estate is one facility of 200 blocks x 500 cells (generate_scale_dataset, then a full compliance run,
so that every row carries its statuses), exported from the facility page (``/facilities/<id>/?export=``)
as an administrator. Each export runs in a fresh Python process that makes the request with Django's test
client and reads the whole body, as a server would send it; the figures are that process's wall time of
the request and body, its peak RSS (VmHWM, which includes Django and the project, measured before the
request as "baseline"), the bytes and, for CSV, the rows.

Environment: BENCH_DATABASE (default roadmap_bench_exports, dropped and created on 127.0.0.1:5432 as
postgres; BENCH_KEEP=1 reuses it when it holds the estate), BENCH_BLOCKS (default 200) and
BENCH_CELLS_PER_BLOCK (default 500; at most 999), BENCH_REPEAT (runs of each export, default 2; the fastest is shown), BENCH_ROOT (the checkout whose code
is measured, default this one: e.g. a worktree of the unchanged code). CPU seconds (user + system of the
exporting process, during the request) are printed beside the wall time: on a shared machine they vary less.
Usage: ``.venv/bin/python bench/exports.py``.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ROOT") or Path(__file__).resolve().parent.parent)  # another checkout: its code
DB = os.environ.get("BENCH_DATABASE", "roadmap_bench_exports")
BLOCKS = int(os.environ.get("BENCH_BLOCKS", "200"))
CELLS_PER_BLOCK = int(os.environ.get("BENCH_CELLS_PER_BLOCK", "500"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "2"))
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ENV = {
    **os.environ,
    "DATABASE_URL": URL,
    "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings",
    "ALLOWED_HOSTS": "testserver,localhost",
    "CELERY_BROKER_URL": "",
    "REDIS_URL": "",
    "LOG_LEVEL": "WARNING",
}


def _vm(field: str) -> float:
    """A field of /proc/self/status (VmHWM: peak RSS; VmRSS: RSS now) in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(field)


def one(fmt: str) -> None:
    """In the child process: one export of the facility's cells in ``fmt``; prints its figures as JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from facilities.models import Facility

    facility = Facility.objects.get(code__startswith="SCALE-")
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(user)
    client.get("/standards/")  # warm the URL conf, middleware and templates
    baseline = _vm("VmHWM")
    cpu = os.times()
    started = time.perf_counter()
    response = client.get(f"/facilities/{facility.pk}/?export={fmt}")
    size = lines = 0
    if response.streaming:
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\n")
    else:
        size, lines = len(response.content), response.content.count(b"\n")
    response.close()
    seconds = time.perf_counter() - started
    now = os.times()
    print(
        json.dumps(
            {
                "status": response.status_code,
                "type": type(response).__name__,
                "seconds": seconds,
                "cpu_seconds": (now.user - cpu.user) + (now.system - cpu.system),
                "bytes": size,
                "rows": lines - 1 if fmt == "csv" else None,
                "baseline_mb": baseline,
                "peak_mb": _vm("VmHWM"),
            }
        )
    )


def psql(sql: str, db: str = "postgres") -> str:
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def prepare() -> None:
    """The bench database with the estate and one full compliance run (kept with BENCH_KEEP=1)."""
    if os.environ.get("BENCH_KEEP") and psql(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'") == "1":
        return
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DB}"')
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v", "0"],
        [
            "shell",
            "-c",
            "from facilities.services import load_regions; from cells.services import load_standards; "
            "load_regions(); load_standards()",
        ],
        [
            "generate_scale_dataset",
            "--facilities",
            "1",
            "--blocks-per-facility",
            str(BLOCKS),
            "--cells-per-block",
            str(CELLS_PER_BLOCK),
        ],
        ["recalculate_compliance", "--full"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=ENV, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        one(sys.argv[2])
        return
    started = time.perf_counter()
    prepare()
    cells = psql("SELECT count(*) FROM cells_cell", DB)
    print(
        f"estate: 1 facility, {cells} cells in {int(cells) // max(CELLS_PER_BLOCK, 1)} blocks (prepared in {time.perf_counter() - started:.0f} s)"
    )
    print(
        f"{'export':<8}{'response':<24}{'seconds':>9}{'CPU s':>7}{'MB sent':>9}{'rows':>9}{'baseline RSS':>14}{'peak RSS':>10}"
    )
    for fmt in ("csv", "xlsx"):
        runs = []
        for _ in range(REPEAT):
            out = subprocess.run(
                [sys.executable, __file__, "--one", fmt], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
            ).stdout
            runs.append(json.loads(out.strip().splitlines()[-1]))
        best = min(runs, key=lambda r: r["seconds"])
        assert best["status"] == 200, best
        rows = "" if best["rows"] is None else str(best["rows"])
        print(
            f"{fmt:<8}{best['type']:<24}{best['seconds']:>9.1f}{best['cpu_seconds']:>7.1f}{best['bytes'] / 1e6:>9.1f}{rows:>9}"
            f"{best['baseline_mb']:>11.0f} MB{max(r['peak_mb'] for r in runs):>7.0f} MB"
        )


if __name__ == "__main__":
    main()
