"""lde demo: load the fictional demo and print its sign-ins. lde demo code USER: a 2FA code."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from lde.partnerships.demo import DEMO_PASSWORD, demo_build, demo_code, demo_totp_key


class Command(BaseCommand):
    help = "Load the fictional demo (safe to run again), or print a demo user's 2FA code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["load", "code"], default="load")
        parser.add_argument("user", nargs="?", help="Email address, for `lde demo code`.")

    def handle(self, *args: Any, action: str, user: str | None, **options: Any) -> None:
        if action == "code":
            if not user:
                raise CommandError("Say whose code: lde demo code EMAIL")
            from django_otp.plugins.otp_totp.models import TOTPDevice

            try:
                self.stdout.write(demo_code(user))
            except TOTPDevice.DoesNotExist as error:
                raise CommandError(f"{user} has no two-factor device.") from error
            return
        result = demo_build()
        for dotted in getattr(settings, "LDE_DEMO_BUILDERS", []):
            import_string(dotted)()
        self.stdout.write(self.style.SUCCESS(f"Demo loaded. Sign in at {settings.LDE_SITE_URL}/"))
        self.stdout.write(f"Every demo password is: {DEMO_PASSWORD}\n")
        width = max(len(s.email) for s in result.sign_ins)
        for sign_in in result.sign_ins:
            self.stdout.write(f"  {sign_in.email:<{width}}  {sign_in.what}")
        self.stdout.write("\nTwo-factor users: add the key to an authenticator app, or print the")
        self.stdout.write("current code with `lde demo code EMAIL`.")
        import base64

        for sign_in in result.sign_ins:
            if sign_in.two_factor:
                key = base64.b32encode(bytes.fromhex(demo_totp_key(sign_in.email))).decode()
                self.stdout.write(f"  {sign_in.email:<{width}}  key {key}")
