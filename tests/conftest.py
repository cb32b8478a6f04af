from __future__ import annotations

import os
import shutil
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# Property tests: no deadlines in CI (the machine may be busy), and a fixed number of examples.
hypothesis_settings.register_profile(
    "ci",
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _clean_private_dirs() -> Any:
    yield
    for name in ("PRIVATE_FILES_ROOT", "AUDIT_CHECKPOINT_DIR"):
        shutil.rmtree(getattr(settings, name), ignore_errors=True)


def sign_in(client: Client, user: Any, *, verified: bool = True) -> Client:
    """Sign in as `user`, with the second factor already given when `verified`."""
    client.force_login(user)
    if verified:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device, _ = TOTPDevice.objects.get_or_create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client
