"""WSGI entry point (gunicorn roadmap_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roadmap_portal.settings")
application = get_wsgi_application()
