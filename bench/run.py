"""``make bench``: the performance benchmark at national scale and beyond, on PostgreSQL. Prints one table.

Every figure is measured in the same run, so that ratios hold on a noisy machine:
  1. full compliance recalculation at the reference size (2,000 facilities, 50,000 blocks, 2,000,000
     cells) and the database's lower bound (bench/lower_bound.py: one hand-written SQL statement with the
     same per-cell outcomes and per-facility aggregates), and their ratio;
  2. an incremental run after 1 % of the cells changed, and its ratio to the full run;
  3. the naive approach (load each cell, evaluate in Python, save each one) on a 20,000-cell sample,
     extrapolated, and its ratio to the full run;
  4. peak memory (RSS) of the recalculation process;
  5. server time (median of repeated requests, in rounds alternating between a 20,000-cell and the
     2,000,000-cell database) and SQL queries of the dashboard, the summary API, the facility list and a
     facility's cell list (page size 100);
  6. throughput of the read API under wrk against gunicorn on loopback (2 workers, 16 connections, 30 s);
  7. the national near-home placement plan (issue 19) in a process of its own (bench/placement.py, best of 3):
     load + solve + report at 100 facilities (the demo's size) and at the reference size, the solver's own
     time (Plan.solver["seconds"]), the model's size (variables, constraints, pools, facilities, groups),
     persons moved, the share in the home region before and after, and the process's peak RSS. Targets:
     under 1 s on the demo, under 10 s and 500 MB at 2,000 facilities. generate_scale_dataset gives every
     facility place-of-residence counts; run after steps 1-4, the plan also sees their occupancy changes
     (persons of unknown home, who stay).

  8. the public site against the internal dashboard (issue 20): a demo database (seed_demo, which publishes
     the first release) served by gunicorn (2 workers) as bench/load.py does, and wrk (16 connections,
     BENCH_SECONDS each) on the dashboard "/" with a prosecutor's session, then on the public national page
     "/public/" anonymously; both requests/s and their ratio. Target: the public page serves at least
     PUBLIC_RATIO (10) times the dashboard's requests/s, both with 0 errors; the benchmark exits non-zero
     otherwise (after printing the table).

Environment: BENCH_DATABASE (default roadmap_bench, dropped and created on 127.0.0.1:5432 as postgres, with
<name>_small beside it for the 20,000-cell estate),
BENCH_FACILITIES (default 2000; 20 gives a quick run), BENCH_SECONDS (wrk duration, default 30),
BENCH_STEPS (the parts to run, comma-separated, default all: compliance = 1-4, pages = 5, wrk = 6,
placement = 7, public = 8; both estates are generated unless only "public" is asked for, which needs
neither). E.g. ``BENCH_STEPS=placement make bench``, ``BENCH_STEPS=public make bench``.
"""

import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
DB = os.environ.get("BENCH_DATABASE", "roadmap_bench")
FACILITIES = int(os.environ.get("BENCH_FACILITIES", "2000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "30"))
SMALL = 100  # facilities at 20,000 cells (100 x 5 blocks x 40 cells): a 100-row page is full at both sizes
SAMPLE = 20_000
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
    "DJANGO_SETTINGS_MODULE": "roadmap_portal.settings",
    "CELERY_BROKER_URL": "",
    "LOG_LEVEL": "ERROR",
}
ENV.pop("CELERY_BROKER_URL")
SMALL_DB = f"{DB}_small"  # the 20,000-cell estate, kept beside the reference one so that pages compare in time
ENV_SMALL = {**ENV, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{SMALL_DB}"}
ROUNDS = 3  # page timings: rounds alternating between the two estates, so that a machine's drift hits both
rows: list[tuple[str, str, str]] = []


def log(message):
    print(f"-- {message}", file=sys.stderr, flush=True)


def manage(*args, capture=True, env=None) -> tuple[str, float, int]:
    """Run manage.py in a child process (``env``: default the reference database's); returns (stdout,
    seconds, peak RSS of that child in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    result = subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env or ENV, capture_output=capture, text=True)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return result.stdout, seconds, max(peak, before) // 1024


def child_script(script: str, *args, env=None) -> dict:
    """Run ``script`` (a path under the project) with ``args`` against the bench database (``env``: default
    the reference one); it prints one JSON object as its last line."""
    result = subprocess.run([PY, script, *args], cwd=ROOT, env=env or ENV, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{script} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(code: str, env=None) -> dict:
    """Run Python ``code`` with Django set up against the bench database (``env``: default the reference
    one); it prints one JSON object."""
    prelude = "import django, json, sys; sys.path.insert(0, '.'); django.setup()\n"
    result = subprocess.run([PY, "-c", prelude + code], cwd=ROOT, env=env or ENV, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"bench step failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def psql(sql: str, db: str = "postgres"):
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-qc", sql], check=True, capture_output=True)


RUNS = 3  # every run measured is timed this many times, the best kept (as the lower bound), the median shown


def change(sql: str) -> int:
    """Commit ``sql`` (an UPDATE of cells) in its own process, as an import or an editor would; returns the
    rows changed."""
    code = (
        "from django.db import connection\nwith connection.cursor() as c:\n"
        f"    c.execute({sql!r})\n    n = c.rowcount\nprint(json.dumps({{'changed': n}}))"
    )
    return child(code)["changed"]


def best_of(runs: list[dict]) -> dict:
    """The fastest of ``runs`` (RECALC outputs), with ``median`` (s) of them all."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["median"] = statistics.median(r["seconds"] for r in runs)
    return best


def add(measure: str, value: str, note: str = ""):
    rows.append((measure, value, note))
    log(f"{measure}: {value} {note}")


RECALC = """
import datetime
from django.utils import timezone
from cells.services import recalculate_compliance
run = recalculate_compliance(trigger=%r, full=%r, run_date=timezone.localdate() + datetime.timedelta(days=%d))
print(json.dumps({"seconds": run.duration_seconds, "cells": run.cells_evaluated, "written": run.results_written,
                  "outcome": run.outcome}))
"""

LOWER_BOUND = """
import statistics, time
from django.db import connection
from bench.lower_bound import lower_bound_sql
from cells.compliance.ruleset import profile_rules
from cells.models import StandardProfile
sql = lower_bound_sql(profile_rules(list(StandardProfile.objects.filter(is_active=True))))
times = []
for _ in range(3):
    with connection.cursor() as cursor:
        started = time.perf_counter(); cursor.execute(sql); n = len(cursor.fetchall())
        times.append(time.perf_counter() - started)
print(json.dumps({"seconds": min(times), "median": statistics.median(times), "rows": n}))
"""

NAIVE = """
import time
from decimal import Decimal
from django.db import transaction
from django.utils import timezone
from cells.models import Cell, StandardProfile, StandardRule

def measured(cell, metric):
    if metric == "living_space_per_person_m2":
        persons = max(cell.design_capacity or cell.occupancy or 0, cell.occupancy or cell.design_capacity or 0)
        if cell.living_space_m2 is None or not persons:
            return None
        return cell.living_space_m2 / persons
    return getattr(cell, metric)

def outcome(cell, rule):
    if cell.accommodation_type not in rule.applies_to:
        return None
    value = measured(cell, rule.metric)
    if value is None:
        return "unknown"
    target = rule.value
    if isinstance(value, Decimal):
        target = Decimal(str(target))
    ok = {">=": value >= target, "<=": value <= target, "==": value == target}[rule.operator]
    return "pass" if ok else "fail"

profiles = list(StandardProfile.objects.filter(is_active=True))
ids = list(Cell.objects.in_use().order_by("id").values_list("id", flat=True)[:%d])
letter = {"pass": "P", "fail": "F", "unknown": "U", None: "-"}
started = time.perf_counter()
with transaction.atomic():
    for pk in ids:
        cell = Cell.objects.get(pk=pk)                       # load each cell
        codes = []
        for profile in profiles:
            rules = list(StandardRule.objects.filter(profile=profile))
            codes.append("".join(letter[outcome(cell, rule)] for rule in rules))
        Cell.objects.filter(pk=pk).update(                   # save each one
            evaluated_outcomes="|".join(codes), evaluated_revision=cell.input_revision,
            outcomes_changed_at=timezone.now())
    elapsed = time.perf_counter() - started
    transaction.set_rollback(True)                      # leave the stored outcomes as they were
print(json.dumps({"seconds": elapsed, "cells": len(ids)}))
"""

PAGES = """
import statistics, time
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from facilities.models import Facility
user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
client = Client()
client.force_login(user)
facility = Facility.objects.filter(code__startswith="SCALE-").order_by("code").first()
urls = {
    "dashboard /": "/",
    "summary API": "/api/v1/summary/",
    "facility list API, 100 a page": "/api/v1/facilities/?page_size=100",
    "facility list API, 10 a page": "/api/v1/facilities/?page_size=10",
    "cells of a facility API, 100 a page": f"/api/v1/cells/?facility={facility.code}&page_size=100",
    "cells of a facility API, 10 a page": f"/api/v1/cells/?facility={facility.code}&page_size=10",
    "facility list page /facilities/": "/facilities/",
}
out = {}
for name, url in urls.items():
    client.get(url, HTTP_HOST="127.0.0.1")  # warm
    times, queries = [], 0
    for _ in range(9):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="127.0.0.1")
            times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured.captured_queries)
    out[name] = {"ms": statistics.median(times) * 1000, "queries": queries}
print(json.dumps(out))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_test() -> dict:
    """gunicorn (2 workers) on loopback, wrk with 16 connections for SECONDS against the read API."""
    token = child("""
from django.contrib.auth import get_user_model
from core.tokens import issue_token
user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_superuser": True, "is_staff": True})
print(json.dumps({"token": issue_token(user, days=1)[1]}))
""")["token"]
    port = free_port()
    env = {
        **ENV,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-" + "x" * 60,
        # The benchmark measures the server, not the API throttle (per user and per token by default).
        "API_THROTTLE_USER": "off",
        "API_THROTTLE_TOKEN": "off",
    }
    server = subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "roadmap_portal.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        script = ROOT / "bench" / "wrk_token.lua"
        results = {}
        for name, path in (
            ("summary API", "/api/v1/summary/"),
            ("facility list API, 20 a page", "/api/v1/facilities/?page_size=20"),
        ):
            output = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    "-c16",
                    f"-d{SECONDS}s",
                    "-s",
                    str(script),
                    "--latency",
                    f"http://127.0.0.1:{port}{path}",
                ],
                env={**os.environ, "TOKEN": token},
                capture_output=True,
                text=True,
            ).stdout
            rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
            total = int(re.search(r"(\d+) requests in", output).group(1))
            non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
            errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
            p99 = re.search(r"99%\s+([\d.]+\w+)", output)
            results[name] = {
                "rps": rps,
                "requests": total,
                "non2xx": int(non2xx.group(1)) if non2xx else 0,
                "socket_errors": sum(map(int, errors.groups())) if errors else 0,
                "p99": p99.group(1) if p99 else "?",
            }
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)


def compliance_steps():
    """Steps 1-4 on the reference estate: the first run, the lower bound, full and incremental runs, the naive
    approach and the recalculation's peak memory (they change the occupancy of about 9 % of the cells)."""
    cold = child(RECALC % ("bench-cold", True, 0))
    add(
        "first run (no results stored yet)",
        f"{cold['seconds']:.1f} s",
        f"{cold['cells']:,} cells, {cold['written']:,} with results recorded",
    )

    # After a bulk load, as autovacuum would do within minutes: so that it does not run during the timed
    # steps, and so that the list of due cells holds no dead entries from the first run.
    started_vacuum = time.perf_counter()
    psql("VACUUM ANALYZE", db=DB)
    log(f"VACUUM ANALYZE after the first run: {time.perf_counter() - started_vacuum:.1f} s")

    lower = child(LOWER_BOUND)
    _, _, rss = manage(
        "shell",
        "-c",
        "from cells.services import recalculate_compliance; recalculate_compliance(trigger='bench-rss', full=True)",
    )
    full = best_of([child(RECALC % ("bench-full", True, 0)) for _ in range(RUNS)])
    add(
        "1. full recalculation (every cell evaluated)",
        f"{full['seconds']:.2f} s",
        f"{full['cells']:,} cells, {full['written']:,} with new results; best of {RUNS}, median {full['median']:.2f} s",
    )
    add(
        "1. SQL lower bound (one statement)",
        f"{lower['seconds']:.2f} s",
        f"{lower['rows']:,} facility x profile rows; best of 3, median {lower['median']:.2f} s",
    )
    add("1. ratio full / lower bound", f"{full['seconds'] / lower['seconds']:.1f}x", "target <= 3x")

    # Each incremental case: a change committed by another process, then the run; three times, each with
    # other cells (the same number), the best kept.
    random_cells = (
        "UPDATE cells_cell SET occupancy = COALESCE(occupancy, 0) + 1 WHERE id %% 100 = %d AND status = 'in_use'"
    )
    runs = []
    for k in range(RUNS):
        change(random_cells % (7 + k))
        runs.append(child(RECALC % ("bench-incremental", False, 0)))
    incremental = best_of(runs)
    add(
        "2. incremental run, 1 % of cells changed at random",
        f"{incremental['seconds']:.2f} s",
        f"{incremental['cells']:,} cells evaluated, {incremental['written']:,} with new results; "
        f"best of {RUNS}, median {incremental['median']:.2f} s",
    )
    add(
        "2. ratio incremental (random 1 %) / full",
        f"{100 * incremental['seconds'] / full['seconds']:.0f} %",
        "target < 20 %",
    )
    # The way changes arrive: a headcount or survey import of some facilities (1 % of them, 1 % of cells).
    facilities = (
        "UPDATE cells_cell SET occupancy = COALESCE(occupancy, 0) + 1 WHERE status = 'in_use' AND "
        "block_id IN (SELECT b.id FROM facilities_residentialblock b JOIN facilities_facility f ON f.id = "
        "b.facility_id WHERE f.id %% 100 = %d)"
    )
    runs = []
    for k in range(RUNS):
        change(facilities % (3 + k))
        runs.append(child(RECALC % ("bench-incremental", False, 0)))
    clustered = best_of(runs)
    add(
        "2. incremental run, 1 % of facilities re-counted",
        f"{clustered['seconds']:.2f} s",
        f"{clustered['cells']:,} cells evaluated, {clustered['written']:,} with new results; "
        f"best of {RUNS}, median {clustered['median']:.2f} s",
    )
    add(
        "2. ratio incremental (1 % of facilities) / full",
        f"{100 * clustered['seconds'] / full['seconds']:.0f} %",
        "target < 20 %",
    )
    nothing = child(RECALC % ("bench-nightly", False, 0))
    add(
        "nightly run with nothing changed",
        f"{nothing['seconds']:.2f} s",
        f"{nothing['cells']:,} cells evaluated; {nothing['seconds'] / lower['seconds']:.1f}x the lower bound",
    )
    # The next nights: every block's row is carried over to the new date, with the changes applied.
    runs = []
    for k in range(RUNS):
        change(random_cells % (11 + k))
        runs.append(child(RECALC % ("bench-next-day", False, 1 + k)))
    tomorrow = best_of(runs)
    add(
        "2. next day's run, 1 % of cells changed at random",
        f"{tomorrow['seconds']:.2f} s",
        f"{tomorrow['cells']:,} cells evaluated, {tomorrow['written']:,} with new results; "
        f"{100 * tomorrow['seconds'] / full['seconds']:.0f} % of the full run; best of {RUNS}, median "
        f"{tomorrow['median']:.2f} s",
    )

    naive = child(NAIVE % SAMPLE)
    per_cell = naive["seconds"] / naive["cells"]
    extrapolated = per_cell * full["cells"]
    add(
        "3. naive approach, 20,000-cell sample",
        f"{naive['seconds']:.1f} s",
        f"{per_cell * 1000:.2f} ms a cell; extrapolated to {full['cells']:,} cells: {extrapolated / 60:.0f} min",
    )
    add("3. ratio naive / full", f"{extrapolated / full['seconds']:.0f}x", "target >= 100x")
    add("4. peak RSS of the recalculation process", f"{rss} MB", "target < 300 MB")


def page_steps():
    """Step 5: the pages' server time and queries, in rounds alternating between the two estates."""
    rounds = {"small": [], "large": []}
    for _ in range(ROUNDS):
        rounds["small"].append(child(PAGES, env=ENV_SMALL))
        rounds["large"].append(child(PAGES, env=ENV))
    small, large = (
        {
            name: {
                "ms": statistics.median(r[name]["ms"] for r in rounds[size]),
                "queries": rounds[size][-1][name]["queries"],
            }
            for name in rounds[size][0]
        }
        for size in ("small", "large")
    )
    for name in small:
        ratio = large[name]["ms"] / small[name]["ms"]
        add(
            f"5. {name}",
            f"{small[name]['ms']:.0f} ms / {large[name]['ms']:.0f} ms",
            f"20k / 2M cells: {ratio:.2f}x; queries {small[name]['queries']} / {large[name]['queries']}",
        )


def wrk_steps():
    """Step 6: the read API under wrk."""
    for name, result in load_test().items():
        add(
            f"6. wrk, {name}",
            f"{result['rps']:.0f} req/s",
            f"{result['requests']:,} requests in {SECONDS} s, p99 {result['p99']}, "
            f"errors {result['non2xx'] + result['socket_errors']}",
        )


def placement_steps():
    """Step 7: the national placement plan (issue 19) in a process of its own (bench/placement.py), best of
    RUNS, on the 100-facility estate (the demo's size: 78 institutions) and on the reference one."""
    results = {}
    for name, env in (("small", ENV_SMALL), ("large", ENV)):
        runs = [child_script("bench/placement.py", "--json", env=env) for _ in range(RUNS)]
        best = dict(min(runs, key=lambda r: r["total_seconds"]))
        best["median"] = statistics.median(r["total_seconds"] for r in runs)
        best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
        results[name] = best
    for name, size, target in (
        ("small", SMALL, "target < 1 s on the demo"),
        ("large", FACILITIES, "target < 10 s at 2,000"),
    ):
        r = results[name]
        add(
            f"7. placement plan, {size:,} facilities (load + solve + report)",
            f"{r['total_seconds']:.2f} s",
            f"load {r['load_seconds']:.2f} s + solve {r['solve_seconds']:.2f} s (solver's own {r['solver_seconds']} s, "
            f"{r['method']}) + report {r['report_seconds']:.2f} s; best of {RUNS}, median {r['median']:.2f} s; {target}",
        )
    r = results["large"]
    add(
        f"7. placement model, {FACILITIES:,} facilities",
        f"{r['variables']:,} variables",
        f"{r['constraints']:,} constraints, {r['pools']:,} pools, {r['facilities']:,} facilities planned, "
        f"{r['groups']:,} groups (facility x home region)",
    )
    add(
        f"7. placement plan's result, {FACILITIES:,} facilities",
        f"{r['persons_moved']:,} persons moved",
        f"share in home region {r['share_before']} % -> {r['share_after']} % of {r['persons_known_home']:,} persons "
        f"of known home; {r['moves']:,} moves",
    )
    add(
        "7. peak RSS of the placement process",
        f"{r['peak_rss_mb']} MB",
        f"target < 500 MB; {results['small']['peak_rss_mb']} MB at {SMALL} facilities",
    )


PUBLIC_RATIO = 10  # the public national page's requests/s at least this many times the dashboard's
failures: list[str] = []


def public_steps():
    """Step 8: the public national page against the internal dashboard, in the same run (bench/load.py's
    machinery, its own database BENCH_DATABASE_public)."""
    import importlib.util

    os.environ.setdefault("LOAD_DATABASE", f"{DB}_public")
    spec = importlib.util.spec_from_file_location("bench_load", ROOT / "bench" / "load.py")
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    result = load.public_ratio(SECONDS)
    for name, label in (
        ("dashboard", "dashboard / (prosecutor's session)"),
        ("public", "public national page /public/"),
    ):
        r = result[name]
        add(
            f"8. wrk, {label}",
            f"{r['rps']:.0f} req/s",
            f"{r['requests']:,} requests in {SECONDS} s, p50 {r['p50']}, p99 {r['p99']}, errors {r['errors']}",
        )
    ok = result["ratio"] >= PUBLIC_RATIO and not result["dashboard"]["errors"] and not result["public"]["errors"]
    add(
        "8. ratio public national page / dashboard",
        f"{result['ratio']:.1f}x",
        f"target >= {PUBLIC_RATIO}x with 0 errors: {'met' if ok else 'NOT MET'}",
    )
    if not ok:
        failures.append(f"public page / dashboard {result['ratio']:.1f}x (target >= {PUBLIC_RATIO}x, 0 errors)")


STEPS = ("compliance", "pages", "wrk", "placement", "public")


def main():
    steps = [s.strip() for s in os.environ.get("BENCH_STEPS", ",".join(STEPS)).split(",") if s.strip()]
    if unknown := sorted(set(steps) - set(STEPS)):
        raise SystemExit(f"BENCH_STEPS: unknown step(s) {', '.join(unknown)}; the steps are {', '.join(STEPS)}")
    if "wrk" in steps and not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    started = time.perf_counter()
    estates = [(SMALL_DB, ENV_SMALL), (DB, ENV)] if set(steps) - {"public"} else []
    for db, env in estates:
        psql(f"DROP DATABASE IF EXISTS {db}")
        psql(f"CREATE DATABASE {db}")
        manage("migrate", "--noinput", env=env)
        child(
            "from facilities.services import load_regions; from cells.services import load_standards; "
            "load_regions(); load_standards(); print('{}')",
            env=env,
        )

    if estates:
        log(f"20,000 cells ({SMALL} facilities, database {SMALL_DB})")
        manage("generate_scale_dataset", "--facilities", str(SMALL), "--blocks-per-facility", "5", env=ENV_SMALL)
        if "pages" in steps:
            child(RECALC % ("bench", True, 0), env=ENV_SMALL)

        log(f"reference size: {FACILITIES} facilities")
        out, seconds, _ = manage("generate_scale_dataset", "--facilities", str(FACILITIES))
        add("generate_scale_dataset", f"{seconds:.1f} s", out.strip())
    if "compliance" in steps:
        compliance_steps()
    if "pages" in steps:
        page_steps()
    if "wrk" in steps:
        wrk_steps()
    if "placement" in steps:
        placement_steps()
    if "public" in steps:
        public_steps()
    add("benchmark wall time", f"{(time.perf_counter() - started) / 60:.1f} min")

    cpu = subprocess.run(
        [
            "sh",
            "-c",
            "nproc; grep -m1 'model name' /proc/cpuinfo | cut -d: -f2; "
            "psql -h 127.0.0.1 -U postgres -tAc 'show server_version'",
        ],
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    print(
        f"\nRoadmap Portal benchmark, {time.strftime('%Y-%m-%d')}: {cpu[0].strip()} cores,{cpu[1]}, "
        f"PostgreSQL {cpu[2].strip()}\n"
    )
    width = max(len(r[0]) for r in rows)
    print(f"| {'Measure'.ljust(width)} | Value | Note |")
    print(f"| {'-' * width} | --- | --- |")
    for measure, value, note in rows:
        print(f"| {measure.ljust(width)} | {value} | {note} |")
    if failures:
        raise SystemExit("BENCH FAILED: " + "; ".join(failures))


if __name__ == "__main__":
    main()
