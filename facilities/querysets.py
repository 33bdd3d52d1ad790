"""QuerySets of the facilities models: rows scoped to the user's regions (``visible_to``)."""

from django.db import models


class RegionScopedQuerySet(models.QuerySet):
    """Rows that belong to a region through ``region_path``; ``visible_to(user)`` keeps the user's regions."""

    region_path = "region"

    def visible_to(self, user):
        """Rows in the regions ``user`` may read (facilities.scoping); nothing for a user without a role."""
        from .scoping import scope_filter

        return self.filter(scope_filter(user, self.region_path))


class FacilityQuerySet(RegionScopedQuerySet):
    def in_operation(self):
        """Institutions that hold people: status operating or under reconstruction."""
        return self.filter(status__in=self.model.IN_OPERATION)


class BlockQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"


class ProjectQuerySet(RegionScopedQuerySet):
    region_path = "block__facility__region"


class ResidenceQuerySet(RegionScopedQuerySet):
    region_path = "facility__region"

    def latest(self, on=None):
        """Each facility's latest count by home region: the rows of the last date on which the facility was
        counted (on or before ``on``, a date, when given). One query when evaluated."""
        latest = self.model.objects.filter(facility=models.OuterRef("facility"))
        if on is not None:
            latest = latest.filter(date__lte=on)
        last = latest.order_by().values("facility").annotate(last=models.Max("date")).values("last")
        return self.filter(date=models.Subquery(last))
