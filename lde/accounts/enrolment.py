"""Who may add an authenticator app to an account, and when.

A password alone never lets anyone enrol: whoever learnt it could otherwise bind their own
authenticator to the account, and from then on pass the second factor as its owner. Enrolment
is allowed only in a session that has just proved control of the account's email address:

- by setting the password from an emailed link (an invitation, or "forgotten password"); or
- by entering a one-time code emailed to the signed-in user.

The proof lives in the server-side session, bound to one user and for a short while only, and is
spent when the authenticator is confirmed.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from django.utils.crypto import salted_hmac

# How long a proof of the email address lets its session enrol.
ENROLMENT_WINDOW_SECONDS = 30 * 60
# How long an emailed code lasts, and how many wrong tries it survives.
CODE_LIFETIME_SECONDS = 10 * 60  # ASVS 2.7.2: an out-of-band code lasts at most ten minutes
CODE_ATTEMPTS = 5
# Eight digits: with five tries a code, guessing is hopeless even for someone who asks for many.
CODE_DIGITS = 8

_ALLOWED = "lde_enrolment_allowed"
_CODE = "lde_enrolment_code"


class CodeResult:
    ACCEPTED = "accepted"
    WRONG = "wrong"
    EXPIRED = "expired"
    NONE = "none"


def _now() -> float:
    return time.time()


def _digest(user_id: int, code: str) -> str:
    # A keyed hash, so the session store never holds a usable code.
    return salted_hmac("lde.accounts.enrolment-code", f"{user_id}:{code}").hexdigest()


def enrolment_allow(session: Any, user_id: int) -> None:
    """Record that this session proved, just now, that it controls the user's email."""
    session[_ALLOWED] = {"user_id": user_id, "until": _now() + ENROLMENT_WINDOW_SECONDS}
    session.pop(_CODE, None)


def enrolment_allowed(session: Any, user_id: int) -> bool:
    allowed = session.get(_ALLOWED)
    return bool(
        isinstance(allowed, dict)
        and allowed.get("user_id") == user_id
        and float(allowed.get("until", 0)) > _now()
    )


def enrolment_end(session: Any) -> None:
    session.pop(_ALLOWED, None)
    session.pop(_CODE, None)


def enrolment_code_issue(session: Any, user_id: int) -> str:
    """A new code for the user, replacing any earlier one; only its keyed hash is kept."""
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session[_CODE] = {
        "user_id": user_id,
        "digest": _digest(user_id, code),
        "until": _now() + CODE_LIFETIME_SECONDS,
        "attempts_left": CODE_ATTEMPTS,
    }
    return code


def enrolment_code_pending(session: Any, user_id: int) -> bool:
    pending = session.get(_CODE)
    return bool(
        isinstance(pending, dict)
        and pending.get("user_id") == user_id
        and float(pending.get("until", 0)) > _now()
    )


def enrolment_code_check(session: Any, user_id: int, code: str) -> str:
    """Check a code typed by the user. A right code allows enrolment; a code is spent by its
    last wrong try or by its expiry, after which the user must ask for a new one."""
    pending = session.get(_CODE)
    if not isinstance(pending, dict) or pending.get("user_id") != user_id:
        return CodeResult.NONE
    if float(pending.get("until", 0)) <= _now():
        session.pop(_CODE, None)
        return CodeResult.EXPIRED
    if hmac.compare_digest(str(pending.get("digest", "")), _digest(user_id, code)):
        enrolment_allow(session, user_id)
        return CodeResult.ACCEPTED
    attempts_left = int(pending.get("attempts_left", 0)) - 1
    if attempts_left <= 0:
        session.pop(_CODE, None)
        return CodeResult.NONE
    session[_CODE] = {**pending, "attempts_left": attempts_left}
    return CodeResult.WRONG
