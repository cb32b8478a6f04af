"""How django-axes names the account a failed sign-in was for.

The sign-in form finds the account whatever the case of the email address and whatever spaces
surround it, so the lockout must count every spelling as one account: otherwise "Name@…" and
"name@…" would each get their own five tries at the password.
"""

from __future__ import annotations

from typing import Any


def lockout_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    value = (credentials or {}).get("username")
    if value is None:
        value = getattr(request, "POST", {}).get("username")
    return str(value).strip().lower() if value is not None else None
