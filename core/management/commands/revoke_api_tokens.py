"""``python manage.py revoke_api_tokens <username>``: revoke every API token of a user."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.tokens import revoke_tokens


class Command(BaseCommand):
    help = "Revoke (delete) every API token of a user; requests with them then answer 401."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        self.stdout.write(f"{revoke_tokens(user)} token(s) of {username} revoked.")
