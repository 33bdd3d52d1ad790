from django.apps import AppConfig


class RoadmapPortalConfig(AppConfig):
    """The web shell: settings, urls including every app's, the Celery app, middleware, the History tab."""

    name = "roadmap_portal"
    verbose_name = "Roadmap Portal"
