"""``covernote token create EMAIL NAME`` / ``covernote token revoke PREFIX``: API tokens for machine clients."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from covernote.accounts.models import ApiToken, User
from covernote.accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Create or revoke an API bearer token. The secret is shown once and stored only hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("email")
        create.add_argument("name")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = User.objects.filter(email=options["email"].lower()).first()
            if user is None:
                self.stderr.write(f"error: no user with email {options['email']}")
                sys.exit(2)
            token, raw = api_token_create(user=user, name=options["name"], actor=user)
            self.stdout.write(raw)
            self.stderr.write(
                f"token {token.prefix}… for {user.email}: keep it secret; it is not shown again"
            )
            return
        tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
        if not tokens.exists():
            self.stderr.write(f"error: no active token with prefix {options['prefix']}")
            sys.exit(2)
        for token in tokens:
            api_token_revoke(token=token, actor=token.user)
        self.stdout.write("revoked")
