"""Bounds of a facility's figures, declared once (core.bounds.Bound): read by the models' validators and
the register import's facility headcounts."""

from core.bounds import Bound

FACILITY_PERSONS = Bound(0, 100000, "persons")  # design capacity, population, persons by home region
