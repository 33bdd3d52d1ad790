"""Distance from home: the great-circle distance between the place a person is held and the administrative
centre of their home region (issue 19), and the figures built on it.

A facility is located by its own coordinates (Facility.latitude/longitude) where known, else by its
region's centre (Region.centre_latitude/longitude, data/regions.csv with their source). Distances are km.
"""

import math
from collections.abc import Iterable
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from facilities.models import Region

EARTH_RADIUS_KM = 6371.0088  # the mean Earth radius (IUGG), km

FAR_KM = 500
FAR_KM_SOURCE = _(
    "Reporting threshold of the placement planner chosen for the portal, not a legal limit. For scale: "
    "the European Court of Human Rights found distances of 2,000 to 8,000 km a breach of Article 8 "
    "(Polyakova and Others v. Russia, 2017); UN Mandela Rule 59 and European Prison Rule 17.1 ask for "
    "allocation close to home."
)

Point = tuple[float, float]  # (latitude, longitude), degrees


def great_circle_km(a: Point, b: Point) -> float:
    """The great-circle (haversine) distance between points ``a`` and ``b`` (latitude, longitude in degrees),
    in km, on a sphere of EARTH_RADIUS_KM."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def point(latitude, longitude) -> Point | None:
    """(latitude, longitude) as floats, or None when either is unknown."""
    return None if latitude is None or longitude is None else (float(latitude), float(longitude))


def region_centres() -> dict[str, Point | None]:
    """Each region's administrative centre by ISO code (None when the coordinates are not recorded). One query."""
    return {
        code: point(lat, lon)
        for code, lat, lon in Region.objects.values_list("code", "centre_latitude", "centre_longitude")
    }


def facility_point(latitude, longitude, region_centre: Point | None) -> Point | None:
    """Where a facility is for distances: its own coordinates where both are known, else its region's centre."""
    return point(latitude, longitude) or region_centre


class Held(NamedTuple):
    """``persons`` held at distance ``km`` (None: unknown) from the centre of their home region."""

    persons: int
    km: float | None


def distance_figures(rows: Iterable[Held]) -> dict:
    """Distance figures of persons held: ``{"persons", "persons_with_distance", "persons_over_500_km"
    (more than FAR_KM km), "mean_km_from_home" (person-km / persons with a distance, km, 1 decimal; None
    when none)}``. Persons whose distance is unknown count in ``persons`` only."""
    persons = with_distance = far = 0
    person_km = 0.0
    for row in rows:
        persons += row.persons
        if row.km is None:
            continue
        with_distance += row.persons
        person_km += row.persons * row.km
        far += row.persons if row.km > FAR_KM else 0
    return {
        "persons": persons,
        "persons_with_distance": with_distance,
        "persons_over_500_km": far,
        "mean_km_from_home": round(person_km / with_distance, 1) if with_distance else None,
    }
