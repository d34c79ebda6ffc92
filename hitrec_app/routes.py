"""Every route in one place, with URL builders."""

from urllib.parse import quote

HOME = "/"
SIGN_IN = "/signin"
SIGN_UP = "/signup"
PROFILE = "/profile"
ADMIN_USERS = "/admin/users"
USER = "/u/[username]"
TERMS = "/terms"


def user_url(username: str) -> str:
    return f"/u/{quote(username)}"


def sign_in_url(next_path: str = "") -> str:
    return f"{SIGN_IN}?next={quote(next_path)}" if next_path else SIGN_IN


def safe_next(path: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return HOME
    return path
