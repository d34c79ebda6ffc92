"""Input rules shared by forms and services; each failure says what to fix."""

from __future__ import annotations

import re

from hitrec_app.services.errors import ValidationError

USERNAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_-]{1,30})[A-Za-z0-9]$")
RESERVED_USERNAMES = {"admin", "root", "hitrec", "signin", "signup", "signout", "profile", "api"}
PASSWORD_MIN = 10
PASSWORD_MAX = 256


def clean_username(raw: str) -> str:
    name = (raw or "").strip()
    if not 3 <= len(name) <= 32:
        raise ValidationError("Username must be 3 to 32 characters long.")
    if not USERNAME_RE.match(name):
        raise ValidationError(
            "Username may use letters, digits, '-' and '_', and must start and end "
            "with a letter or digit."
        )
    if name.lower() in RESERVED_USERNAMES:
        raise ValidationError(f"The username '{name}' is reserved; please pick another.")
    return name


def check_password(password: str, username: str = "") -> None:
    if len(password or "") < PASSWORD_MIN:
        raise ValidationError(f"Password must be at least {PASSWORD_MIN} characters long.")
    if len(password) > PASSWORD_MAX:
        raise ValidationError(f"Password must be at most {PASSWORD_MAX} characters long.")
    if username and password.lower() == username.lower():
        raise ValidationError("Password must not be the same as the username.")


def clean_text(raw: str | None, *, field: str, max_len: int, required: bool = False) -> str:
    text = (raw or "").strip()
    if required and not text:
        raise ValidationError(f"{field} is required.")
    if len(text) > max_len:
        raise ValidationError(f"{field} must be at most {max_len} characters (it has {len(text)}).")
    return text
