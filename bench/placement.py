"""The near-home placement planner at scale (issue 19, item 6): time the national plan on any database.

    DATABASE_URL=postgres://... .venv/bin/python bench/placement.py [--date YYYY-MM-DD] [--json] [--profile]

In this process (so that the peak memory is the plan's own, not a parent's): ``reporting.placement``'s
``load_inputs`` (the database read), ``solve`` (the national plan without options: the network LPs of
HiGHS, or its integer programs when an LP answer is not integral) and ``report`` (the API's answer), each
timed with ``time.perf_counter``. It prints the total (load + solve + report, s), the solver's own time
(``Plan.solver["seconds"]``, measured by ``solve``: building the network, HiGHS, pairing the moves), the model's size (variables, constraints,
pools, facilities, groups, from ``Plan.solver``), the persons moved, the share of persons of known home
held in their home region before and after (%), and the peak RSS of this process (MB,
``resource.getrusage(RUSAGE_SELF).ru_maxrss``: Django, NumPy and SciPy loaded included; ``rss_before_mb``
is the peak before the plan's first query). ``--json`` prints the figures as one JSON object (what
``bench/run.py`` reads); ``--profile`` adds the 25 costliest functions of load + solve + report (cProfile,
cumulative time) on stderr. ``--date``: the plan's date (default today in Asia/Almaty).

Targets (issue 19): the national plan on the demo estate in under 1 s; at the benchmark's 2,000
facilities in under 10 s with a peak RSS under 500 MB. Nothing here asserts them: they are figures to read.
Exits with status 1 (and the solver's reason) when HiGHS finds no optimal plan.
"""

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rss_mb() -> float:
    """The peak resident set size of this process so far (MB; Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(date: datetime.date | None = None, profile: bool = False) -> dict:
    """Load, solve and report the national plan on ``date`` (default today); returns the figures (seconds,
    persons, %, MB) described in the module docstring. Raises reporting.placement.PlanError."""
    from django.utils import timezone

    from reporting.placement import Options, load_inputs, report, solve

    options = Options(date=date or timezone.localdate())
    rss_before = rss_mb()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    inputs = load_inputs(options)
    loaded = time.perf_counter()
    plan = solve(inputs)
    solved = time.perf_counter()
    answer = report(inputs, plan)
    reported = time.perf_counter()
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    solver = plan.solver
    return {
        "date": options.date.isoformat(),
        "facilities_planned": len(inputs.sites),
        "persons_known_home": answer["before"]["persons_known_home"],
        "load_seconds": round(loaded - started, 3),
        "solve_seconds": round(solved - loaded, 3),
        "report_seconds": round(reported - solved, 3),
        "total_seconds": round(reported - started, 3),
        "solver_seconds": solver.get("seconds"),
        "method": solver.get("method", "none (nothing to plan)"),
        "variables": solver.get("variables", 0),
        "constraints": solver.get("constraints", 0),
        "pools": solver.get("pools", 0),
        "facilities": solver.get("facilities", 0),
        "groups": solver.get("groups", 0),
        "persons_moved": answer["after"]["persons_moved"],
        "moves": len(answer["moves"]),
        "share_before": answer["before"]["share_in_home_region"],
        "share_after": answer["after"]["share_in_home_region"],
        "rss_before_mb": round(rss_before),
        "peak_rss_mb": round(rss_mb()),
    }


def lines(f: dict) -> list[str]:
    """The figures as the lines this script prints."""
    return [
        f"national placement plan on {f['date']}: {f['facilities_planned']:,} facilities planned, "
        f"{f['persons_known_home']:,} persons of known home",
        f"total (load + solve + report): {f['total_seconds']:.2f} s "
        f"(load {f['load_seconds']:.2f} s, solve {f['solve_seconds']:.2f} s, report {f['report_seconds']:.2f} s)",
        f"solver's own time: {f['solver_seconds']} s ({f['method']})",
        f"model: {f['variables']:,} variables, {f['constraints']:,} constraints, {f['pools']:,} pools, "
        f"{f['facilities']:,} facilities, {f['groups']:,} groups",
        f"persons moved: {f['persons_moved']:,} in {f['moves']:,} moves; share in home region "
        f"{f['share_before']} % -> {f['share_after']} %",
        f"peak RSS: {f['peak_rss_mb']} MB ({f['rss_before_mb']} MB before the plan's first query)",
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=datetime.date.fromisoformat, help="the plan's date (default today)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--profile", action="store_true", help="cProfile of load + solve + report on stderr")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")
    import django

    django.setup()
    from reporting.placement import PlanError

    try:
        result = measure(args.date, args.profile)
    except PlanError as error:
        print(f"no optimal plan: {error}", file=sys.stderr)
        return 1
    print(json.dumps(result) if args.json else "\n".join(lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
