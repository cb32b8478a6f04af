"""lde createadmin: a site administrator, who runs the site but sees no partnership content."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from lde.accounts.models import User
from lde.core.audit.chain import audit_record


class Command(BaseCommand):
    help = "Create a site administrator (Django admin for site-level models; two-factor required)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of prompting.",
        )

    def handle(
        self, *args: Any, email: str, name: str, password_stdin: bool, **options: Any
    ) -> None:
        email = email.strip().lower()
        if User.objects.filter(email=email).exists():
            raise CommandError(f"A user with email {email} already exists.")
        if password_stdin:
            import sys

            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        candidate = User(email=email, full_name=name)
        try:
            validate_password(password, candidate)
        except ValidationError as error:
            raise CommandError("Password: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password, full_name=name)
            audit_record(
                actor=None, verb="SITE_ADMINISTRATOR_CREATED", target=user, changes={"email": email}
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Site administrator {email} created. They set up two-factor at first sign-in."
            )
        )
