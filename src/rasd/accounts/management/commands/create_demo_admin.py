from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rasd.accounts.models import User
from rasd.accounts.services import bootstrap_administrator
from rasd.lib.request_context import acting_as

USERNAME = "admin"


class Command(BaseCommand):
    help = "Create the demo system administrator and print its credentials (demo and development only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("refused: RASD_PRODUCTION=1; use `rasd create_admin USERNAME` instead")
        # The password is generated once and kept in the data directory, so re-running the demo prints the
        # same credentials and changes nothing.
        password_file = settings.DATA_DIR / "demo-admin-password"
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(12))
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        existing = User.objects.filter(username__iexact=USERNAME).first()
        if existing is None or not existing.check_password(password) or not existing.is_active:
            with acting_as(None, request_id="create_demo_admin"):
                bootstrap_administrator(USERNAME, "مدير النظام (تجريبي)", password)
        self.stdout.write(f"demo administrator — username: {USERNAME}  password: {password}")
