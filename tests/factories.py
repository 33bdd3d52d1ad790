"""factory_boy factories for hand-built estates in tests."""

from decimal import Decimal

import factory

from cells.models import Cell
from facilities.models import ConversionProject, Facility, Region, ResidentialBlock


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "KZ-35"
    kind = "oblast"
    name_en = "Karaganda Region"
    name_ru = "Карагандинская область"
    name_kk = "Қарағанды облысы"


class FacilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Facility

    code = factory.Sequence(lambda n: f"T-{n:03d}")
    name_en = factory.Sequence(lambda n: f"Test colony {n}")
    kind = "colony"
    security_level = "medium"
    region = factory.SubFactory(RegionFactory)
    status = "operating"


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResidentialBlock

    facility = factory.SubFactory(FacilityFactory)
    name = factory.Sequence(lambda n: f"Block {n}")
    accommodation_type = "dormitory"


class CellFactory(factory.django.DjangoModelFactory):
    """A fully measured single-occupancy cell that complies with every profile (6.6 m², annex, light)."""

    class Meta:
        model = Cell

    block = factory.SubFactory(BlockFactory)
    number = factory.Sequence(lambda n: f"{n:04d}")
    accommodation_type = "single_occupancy_cell"
    living_space_m2 = Decimal("6.60")
    design_capacity = 1
    occupancy = 1
    has_sanitary_annex = True
    sanitary_annex_partitioned = True
    min_wall_distance_m = Decimal("2.20")
    ceiling_height_m = Decimal("2.70")
    has_natural_light = True


class ConversionProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConversionProject

    block = factory.SubFactory(BlockFactory)
    status = "planned"
