"""Every route in one place, with URL builders."""

from urllib.parse import quote

HOME = "/"
SIGN_IN = "/signin"
SIGN_UP = "/signup"
PROFILE = "/profile"
ADMIN_USERS = "/admin/users"
USER = "/u/[username]"
TERMS = "/terms"
DRAFTS = "/drafts"
DRAFT = "/drafts/[draft]"


def user_url(username: str) -> str:
    return f"/u/{quote(username)}"


def draft_url(draft_id: int) -> str:
    return f"{DRAFTS}/{int(draft_id)}"


def sign_in_url(next_path: str = "") -> str:
    return f"{SIGN_IN}?next={quote(next_path)}" if next_path else SIGN_IN


def safe_next(path: str | None) -> str:
    """Only same-site relative paths are followed after sign-in (no open redirect)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return HOME
    # Browsers drop tabs and newlines from URLs, so "/\t/evil.example" would become
    # "//evil.example": refuse any control character or whitespace.
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in path):
        return HOME
    return path


# Challenges, records and notifications (issue 3).
CHALLENGES = "/challenges"
CHALLENGE_NEW = "/challenges/new"
CHALLENGE = "/challenges/[id]"
CHALLENGE_EDIT = "/challenges/[id]/edit"
RECORD_NEW = "/records/new"
RECORD = "/records/[id]"
NOTIFICATIONS = "/notifications"


def challenge_url(challenge_id: int) -> str:
    return f"/challenges/{int(challenge_id)}"


def record_url(record_id: int) -> str:
    return f"/records/{int(record_id)}"
