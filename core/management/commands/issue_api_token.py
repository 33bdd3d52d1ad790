"""``python manage.py issue_api_token <username> [--days N]``: a new API token, printed once."""

from argparse import ArgumentParser
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from core.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Issue an API token for a user and print it once (only its digest is stored); "
        "it expires after --days days (default API_TOKEN_DAYS, 90)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="days until the token expires (at least 1)")

    def handle(self, *args: Any, username: str, days: int | None = None, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        try:
            token, plaintext = issue_token(user, days)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(plaintext)
        self.stderr.write(
            f"Token for {username} expires {token.expiry:%Y-%m-%d %H:%M %Z}. It is shown only now; store it safely."
        )
