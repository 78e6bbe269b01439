"""`rasd issue_device_token`: a device token for a data collector, with its server URL and settings QR code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.accounts.models import User
from rasd.collection import collect_settings, services
from rasd.lib.request_context import acting_as


class Command(BaseCommand):
    help = (
        "Issue a device token for a data collector and print the server URL for ODK Collect. The base address is "
        "RASD_PUBLIC_URL unless --base-url is given. --qr-png writes the Collect settings QR code to a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--label", required=True, help="the device, e.g. 'tablet 3'")
        parser.add_argument("--base-url", default="", help="e.g. https://rasd.moh.gov.iq")
        parser.add_argument("--qr-png", type=Path, help="write the settings QR code (PNG) here")
        parser.add_argument("--json", action="store_true", help="print {username, label, token, server_url}")

    def handle(self, *args: Any, **options: Any) -> None:
        collector = User.objects.filter(username__iexact=options["username"]).first()
        if collector is None:
            raise CommandError(f"no account {options['username']}", returncode=1)
        base = options["base_url"] or settings.RASD_PUBLIC_URL
        if not base:
            raise CommandError("give --base-url or set RASD_PUBLIC_URL", returncode=1)
        with acting_as(None, request_id="issue_device_token"):
            try:
                token = services.issue_device_token(None, collector, options["label"])
            except (services.CollectionError, PermissionDenied) as error:
                raise CommandError(str(error), returncode=1) from error
        url = collect_settings.server_url(base, token)
        if options["qr_png"]:
            name = collect_settings.project_name(collector.full_name or collector.username)
            payload = collect_settings.collect_settings_qr_payload(
                collect_settings.collect_settings(token, collect_settings.public_base(base), name)
            )
            options["qr_png"].write_bytes(collect_settings.qr_png(payload))
        if options["json"]:
            result = {"username": collector.username, "label": token.label, "token": token.token, "server_url": url}
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(url)
