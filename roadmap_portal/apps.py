from django.apps import AppConfig


class RoadmapPortalConfig(AppConfig):
    """The top floor: pages and commands that compose several apps."""

    name = "roadmap_portal"
    verbose_name = "Roadmap Portal"
