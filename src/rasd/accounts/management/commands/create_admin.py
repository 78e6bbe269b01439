from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.accounts.services import bootstrap_administrator
from rasd.lib.request_context import acting_as


class Command(BaseCommand):
    help = "Create a system administrator (or set a new password for one). Asks for the password unless given."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--password-file", help="read the password from this file instead of asking")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["password_file"]:
            password = Path(options["password_file"]).read_text(encoding="utf-8").strip()
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        if len(password) < 10:
            raise CommandError("Use a password of at least 10 characters.")
        with acting_as(None, request_id="create_admin"):
            user, created = bootstrap_administrator(
                options["username"], options["full_name"] or options["username"], password
            )
        self.stdout.write(f"{'created' if created else 'updated'} system administrator {user.username}")
