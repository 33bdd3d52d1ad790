"""The compliance engine: rules compiled to SQL expressions, evaluated in the database (docs/compliance-engine.md).

Entry points: cells.compliance.run.recalculate_compliance (a run; also cells.services and the task
cells.tasks.recalculate_compliance), cells.compliance.design_check.evaluate_measurements (the design
check) and cells.compliance.outcomes (a cell's results from its codes). The stages, the modules and the
locks: docs/compliance-engine.md.
"""
