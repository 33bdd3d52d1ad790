"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, bool]:
    """Expose ``demo_banner`` (bool): whether to show the generated-data banner on every page."""
    return {"demo_banner": settings.PORTAL_DEMO_BANNER}
