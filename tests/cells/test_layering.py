"""The modules of cells/ import each other one way: no two of them reach each other through imports
(grimp counts imports inside functions too)."""

import itertools

import grimp


def test_no_import_circle_inside_cells():
    graph = grimp.build_graph("cells")
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    both_ways = [
        (a, b, graph.find_shortest_chain(a, b), graph.find_shortest_chain(b, a))
        for a, b in itertools.combinations(modules, 2)
        if graph.chain_exists(a, b) and graph.chain_exists(b, a)
    ]
    assert not both_ways
