"""lde oidc-fake-provider: a fake identity provider on this machine, to try signing in with one."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Run a fake OpenID Connect identity provider on 127.0.0.1 (demo and tests only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--client-id", default="lde-demo")
        parser.add_argument("--client-secret", default="demo-secret-not-for-production")

    def handle(self, *args: Any, port: int, client_id: str, client_secret: str, **kw: Any) -> None:
        from lde.accounts.oidc_fake import FakeIdentityProvider

        # It signs in as anyone: never beside a real service.
        if settings.SETTINGS_MODULE.endswith(".production"):
            raise CommandError("The fake identity provider does not run with production settings.")
        try:
            provider = FakeIdentityProvider(
                client_id=client_id, client_secret=client_secret, port=port
            )
        except OSError as error:
            raise CommandError(f"Port {port} cannot be used: {error}") from error
        provider.start()
        self.stdout.write(
            "A fake identity provider is running (Ctrl+C stops it). Start the service with:\n\n"
            f"  LDE_OIDC_ISSUER={provider.issuer} LDE_OIDC_CLIENT_ID={client_id} "
            f"LDE_OIDC_CLIENT_SECRET={client_secret} LDE_OIDC_NAME='Harrowfield Council' "
            "lde serve\n\n"
            "and choose “Sign in with Harrowfield Council” on the sign-in page. Type the email "
            "of a demo user (lde demo lists them) to be signed in as them.\n"
        )
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            provider.stop()
