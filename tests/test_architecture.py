"""The direction of imports and no circle of imports inside an app (docs/architecture.md, §The direction rule).

The rule is written once, as the import-linter contracts of pyproject.toml (``[tool.importlinter]``): these
tests run them on the import graph that grimp builds from the source (imports inside functions included),
prove that the check fails when an upward import is added, and look for circles among each app's modules.
``lint-imports`` runs the same contracts from the command line.
"""

import itertools
from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter import api as importlinter_api
from importlinter.application import output
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_TYPES = {"layers": LayersContract, "forbidden": ForbiddenContract}


@pytest.fixture(scope="module")
def configuration():
    """The ``[tool.importlinter]`` section of pyproject.toml: session options and contracts."""
    return importlinter_api.read_configuration(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph(configuration):
    """The import graph of the apps and the shell (without caching, so it is always the current source)."""
    options = configuration["session_options"]
    return grimp.build_graph(*options["root_packages"], include_external_packages=False, cache_dir=None)


def broken_contracts(configuration, graph) -> dict[str, str]:
    """Each broken contract's id with import-linter's own description of the offending import chains."""
    broken = {}
    for options in configuration["contracts_options"]:
        contract = CONTRACT_TYPES[options["type"]](
            name=options["name"], session_options=configuration["session_options"], contract_options=options
        )
        check = contract.check(deepcopy(graph), verbose=False)
        if not check.kept:
            with output.console.capture() as captured:
                contract.render_broken_contract(check)
            broken[options.get("id", options["name"])] = f"{options['name']}:\n{captured.get()}"
    return broken


def test_contracts_cover_the_direction_rule(configuration):
    """Every app and the shell are root packages, and every rule of the direction has its contract."""
    assert set(configuration["session_options"]["root_packages"]) == {
        "core",
        "facilities",
        "cells",
        "inspections",
        "reporting",
        "registers",
        "public",
        "demo",
        "roadmap_portal",
    }
    ids = {c["id"] for c in configuration["contracts_options"]}
    assert ids == {
        "domain-layers",
        "domain-imports-no-feature",
        "reporting",
        "registers",
        "public",
        "demo",
        "demo-imports",
    }


def test_imports_follow_the_direction(configuration, graph):
    broken = broken_contracts(configuration, graph)
    assert not broken, "Imports against the direction rule (pyproject.toml [tool.importlinter]):\n\n" + "\n".join(
        broken.values()
    )


@pytest.mark.parametrize(
    ("importer", "imported", "contract"),
    [
        ("facilities.models", "reporting.selectors", "domain-imports-no-feature"),
        ("facilities.scoping", "cells.models", "domain-layers"),
        ("reporting.selectors", "registers.models", "reporting"),
        ("registers.services", "reporting.selectors", "registers"),
        ("cells.services", "roadmap_portal.celery", "domain-imports-no-feature"),
        ("reporting.views", "demo.estate", "demo"),
        ("public.content", "reporting.selectors", "public"),
        ("inspections.models", "public.models", "domain-imports-no-feature"),
        ("reporting.views", "public.models", "reporting"),
    ],
)
def test_the_check_fails_on_an_import_against_the_direction(configuration, graph, importer, imported, contract):
    """An import added against the rule (as if written inside a function) breaks its contract, and the
    report names the chain."""
    graph = deepcopy(graph)
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents=f"import {imported}")
    broken = broken_contracts(configuration, graph)
    assert contract in broken
    assert f"{importer} -> {imported}" in broken[contract]


def import_cycles(graph, package: str) -> list[list[str]]:
    """The circles of imports among the modules of ``package``: each pair of its modules that reach each
    other through imports (grimp's chains, imports inside functions included), as one circle through
    both (a list of modules, the first repeated at the end)."""
    modules = sorted({package} | graph.find_descendants(package))
    return [
        [*graph.find_shortest_chain(a, b), *graph.find_shortest_chain(b, a)[1:]]
        for a, b in itertools.combinations(modules, 2)
        if graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]


def test_cycle_finder_reports_a_circle(graph):
    graph = deepcopy(graph)
    graph.add_import(importer="core.locks", imported="core.export", line_number=1, line_contents="x")
    graph.add_import(importer="core.export", imported="core.locks", line_number=1, line_contents="x")
    assert ["core.export", "core.locks", "core.export"] in import_cycles(graph, "core")


@pytest.mark.parametrize(
    "package", ["core", "facilities", "cells", "inspections", "reporting", "registers", "demo", "roadmap_portal"]
)
def test_no_circle_of_imports_inside_an_app(graph, package):
    cycles = import_cycles(graph, package)
    assert not cycles, f"Circles of imports inside {package}/ (imports inside functions count too):\n" + "\n".join(
        f"  {' -> '.join(cycle)}" for cycle in cycles
    )


def test_today_is_the_portal_s_date_everywhere():
    """The portal's "today" is timezone.localdate() (Asia/Almaty, UTC+5): ``date.today()`` is the machine's
    date, which differs from it five hours a day (19:00-24:00 UTC), and made tests and rules disagree then."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("core", "facilities", "cells", "inspections", "reporting", "registers", "demo", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "test_architecture.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "date.today()" in line
    ]
    assert offenders == [], "use django.utils.timezone.localdate():\n" + "\n".join(offenders)
