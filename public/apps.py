from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The public transparency site: releases of published figures (public/, docs/public.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "public"
    verbose_name = "Public site"
