"""The public API, /api/public/v1/ (no login; served from the latest published release)."""

urlpatterns: list = []
