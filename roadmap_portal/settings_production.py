"""Production settings: everything in ``settings`` hardened; refuses to start without a secret key.

Required environment: ``SECRET_KEY``, ``DATABASE_URL`` (PostgreSQL), ``ALLOWED_HOSTS``.
"""

from django.core.exceptions import ImproperlyConfigured

from .settings import *  # noqa: F403
from .settings import env

DEBUG = False
WHITENOISE_USE_FINDERS = False
SECRET_KEY = env("SECRET_KEY", default="")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
    raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 50 characters.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
PORTAL_ALLOW_DEMO_SEED = env.bool("PORTAL_ALLOW_DEMO_SEED", default=False)
# The demo generator (demo/: seed_demo) is left out of production; PORTAL_DEMO_APP=true installs it for
# one command (``seed_demo --allow-production`` on a demo server). It has no models: nothing to migrate.
if not env.bool("PORTAL_DEMO_APP", default=False):
    INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "demo"]  # noqa: F405
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
