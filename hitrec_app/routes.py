"""Every route in one place, with URL builders.

The builders take plain values (in states and services) or Reflex vars (in pages, e.g.
`routes.record_url(row.id)` inside `rx.foreach`): a var is formatted into the URL
on the browser's side, so a page never glues URLs together by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from reflex.vars import Var

HOME = "/"
SIGN_IN = "/signin"
SIGN_UP = "/signup"
PROFILE = "/profile"
ADMIN_USERS = "/admin/users"
USER = "/u/[username]"
TERMS = "/terms"
DRAFTS = "/drafts"
DRAFT = "/drafts/[draft]"
CHALLENGES = "/challenges"
CHALLENGE_NEW = "/challenges/new"
CHALLENGE = "/challenges/[id]"
CHALLENGE_EDIT = "/challenges/[id]/edit"
RECORDS = "/records"
RECORD_NEW = "/records/new"
RECORD = "/records/[id]"
PRODUCTIONS = "/productions"
PRODUCTION_NEW = "/productions/new"
PRODUCTION = "/productions/[id]"
NOTIFICATIONS = "/notifications"
PROPOSALS = "/proposals"
PROPOSAL = "/proposals/[id]"
PROPOSAL_DIFF = "/proposals/[id]/diff"
EARNINGS = "/earnings"
NOT_FOUND = "/404"


def _id(value: int | Var[int]) -> int | Var[int]:
    # A plain id is forced to an int, so a string can never smuggle a path in.
    return int(value) if isinstance(value, int | str) else value


def user_url(username: str | Var[str]) -> str:
    # Usernames are [A-Za-z0-9_-]; quoting a plain one is belt and braces.
    return f"/u/{quote(username) if isinstance(username, str) else username}"


def draft_url(draft_id: int | Var[int]) -> str:
    return f"{DRAFTS}/{_id(draft_id)}"


def challenge_url(challenge_id: int | Var[int]) -> str:
    return f"{CHALLENGES}/{_id(challenge_id)}"


def challenge_edit_url(challenge_id: int | Var[int]) -> str:
    return f"{CHALLENGES}/{_id(challenge_id)}/edit"


def record_url(record_id: int | Var[int]) -> str:
    return f"{RECORDS}/{_id(record_id)}"


def proposal_url(proposal_id: int | Var[int]) -> str:
    return f"{PROPOSALS}/{_id(proposal_id)}"


def proposal_diff_url(
    proposal_id: int | Var[int], from_version: int | Var[int], to_version: int | Var[int]
) -> str:
    """What changed between two versions of a proposal."""
    return f"{PROPOSALS}/{_id(proposal_id)}/diff?from={_id(from_version)}&to={_id(to_version)}"


def new_record_url(
    *, challenge_id: int | Var[int] | None = None, remix_of: int | Var[int] | None = None
) -> str:
    """The submission form, optionally for a challenge and/or as a remix of a record."""
    params = []
    if challenge_id is not None:
        params.append(f"challenge={_id(challenge_id)}")
    if remix_of is not None:
        params.append(f"remix={_id(remix_of)}")
    return RECORD_NEW + ("?" + "&".join(params) if params else "")


def production_url(production_id: int | Var[int]) -> str:
    return f"{PRODUCTIONS}/{_id(production_id)}"


def new_production_url(*, challenge_id: int | Var[int] | None = None) -> str:
    """The new-production form, optionally made from a challenge (its entries included)."""
    return PRODUCTION_NEW + (f"?challenge={_id(challenge_id)}" if challenge_id is not None else "")


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
