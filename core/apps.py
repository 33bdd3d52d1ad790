from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Infrastructure that knows no domain: locks, pagination, ordering, row sync, API errors."""

    name = "core"

    def ready(self) -> None:
        """Revoke a user's API tokens when their password changes (core.tokens), on every path that saves it."""
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_save, pre_save

        from . import tokens

        user_model = get_user_model()
        pre_save.connect(tokens.remember_password_hash, sender=user_model, dispatch_uid="core.tokens.remember")
        post_save.connect(tokens.revoke_on_password_change, sender=user_model, dispatch_uid="core.tokens.revoke")
