"""The database's own lower bound for a full compliance recalculation: one hand-written SQL statement that
computes, on the same data, every active rule's outcome for every cell in use, each profile's status per
cell, and the per-facility aggregates (persons, places, persons in compliant accommodation, persons in
single cells, cells compliant / non-compliant / unknown). It writes nothing.

The SQL text is written here directly from the rule rows (metric, operator, threshold, accommodation
types), independently of the portal's ORM compiler in cells/compliance/rules.py, so that the two can be
compared.
"""


def _literal(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(float(value))
    return "'" + str(value).replace("'", "''") + "'"


def _measured(metric: str) -> str:
    if metric == "living_space_per_person_m2":
        return (
            "(c.living_space_m2 / NULLIF(GREATEST(COALESCE(c.design_capacity, c.occupancy), "
            "COALESCE(c.occupancy, c.design_capacity)), 0))"
        )
    return f"c.{metric}"


def _outcome(rule) -> str:
    """0 pass, 1 unknown, 2 fail, NULL not applicable."""
    operator = {">=": ">=", "<=": "<=", "==": "="}[rule.operator]
    types = ", ".join(_literal(t) for t in rule.applies_to)
    measured = _measured(rule.metric)
    return (
        f"CASE WHEN c.accommodation_type NOT IN ({types}) THEN NULL WHEN {measured} IS NULL THEN 1 "
        f"WHEN {measured} {operator} {_literal(rule.value)} THEN 0 ELSE 2 END"
    )


def lower_bound_sql(grouped_rules: dict) -> str:
    """``grouped_rules``: ``{profile: [rules]}`` of the active profiles. Returns one SELECT statement."""
    per_profile = []
    for profile, rules in grouped_rules.items():
        worst = "GREATEST(" + ", ".join(_outcome(r) for r in rules) + ")" if rules else "0"
        per_profile.append(f"SELECT {profile.pk} AS profile_id, COALESCE({worst}, 0) AS worst")
    profiles_sql = " UNION ALL ".join(per_profile)
    # Each profile's status per cell (LATERAL evaluates the rules on the cell's row), then per facility.
    return f"""
        SELECT b.facility_id, p.profile_id,
               sum(c.occupancy) AS persons, sum(c.design_capacity) AS places,
               sum(c.occupancy) FILTER (WHERE p.worst = 0) AS persons_compliant,
               sum(c.occupancy) FILTER (WHERE c.accommodation_type = 'single_occupancy_cell') AS persons_single,
               count(*) FILTER (WHERE p.worst = 0) AS cells_compliant,
               count(*) FILTER (WHERE p.worst = 2) AS cells_non_compliant,
               count(*) FILTER (WHERE p.worst = 1) AS cells_unknown
        FROM cells_cell c
        JOIN facilities_residentialblock b ON b.id = c.block_id
        CROSS JOIN LATERAL ({profiles_sql}) p
        WHERE c.status = 'in_use'
        GROUP BY b.facility_id, p.profile_id
    """
