"""The studio's vocabulary: roles, kinds, limits, room names and event kinds.

One reflex-free module that models, services, states and pages all import, so a
word or a limit is written once. URLs live in `routes.py`.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Final, Literal

# --- roles -----------------------------------------------------------------------------------

ROLES: Final = ("member", "host", "admin")  # a user's studio-wide role
HOST_ROLES: Final = ("host", "admin")  # may post and run challenges
DRAFT_ROLES: Final = ("owner", "editor", "viewer")  # a member's role in one draft
INVITABLE_ROLES: Final = ("editor", "viewer")
EDIT_ROLES: Final = ("owner", "editor")  # may type in a draft

# --- the terms every member accepts (their version is stored with the account) -------------------

TERMS_VERSION: Final = "2026-11"
TERMS_SUMMARY: Final = (
    "You keep the credit for what you submit, and you license it to the studio and its "
    "members to remix, build on and use in productions, with credit and a fair share "
    "of any money it earns, paid through public pay proposals."
)

# --- kinds and states --------------------------------------------------------------------------

RecordKind = Literal["text", "image", "audio", "video"]
RECORD_KINDS: Final[tuple[RecordKind, ...]] = ("text", "image", "audio", "video")
MEDIA_KINDS: Final[tuple[RecordKind, ...]] = ("image", "audio", "video")  # kinds with a file
CHALLENGE_STATES: Final = ("draft", "open", "closed")
# A draft snapshot. auto: every few minutes of activity; named: a writer saved it; restore:
# the state right after a restore; compact: written only to bound the update log (hidden).
SNAPSHOT_KINDS: Final = ("auto", "named", "restore", "compact")
HISTORY_KINDS: Final = ("auto", "named", "restore")  # snapshots the history view lists
# A pay proposal: draft -> open for feedback (until its closing date) -> (revised: a new
# version, open again) -> final (the ledger is written) -> paid.
PROPOSAL_STATES: Final = ("draft", "open", "final", "paid")
POOL_MODES: Final = ("share", "fixed")  # a production's pool: a share of profit, or a budget
MONEY_ENTRY_KINDS: Final = ("revenue", "cost")
# Roles a contribution to a production can have (free text is allowed too).
CONTRIBUTION_ROLES: Final = (
    "story",
    "illustration",
    "score",
    "voice",
    "edit",
    "performance",
    "animation",
    "photography",
)
# The role a challenge's entry takes when a production is made from the challenge.
KIND_CONTRIBUTION_ROLES: Final[dict[str, str]] = {
    "text": "story",
    "image": "illustration",
    "audio": "score",
    "video": "performance",
}
VOTE_VALUES: Final = ("agree", "object", "abstain")  # a member's vote on a proposal line
SIGN_OFF_ANSWERS: Final = ("accept", "object")  # a payee's answer to their own line
# Ledger accounts: the production's pool pays out into what is owed to a contributor (or
# carried forward below the minimum payout); a payment moves owed to paid.
LEDGER_ACCOUNTS: Final = ("pool", "owed", "carried", "paid")
RECORD_SORTS: Final = ("newest", "hearts", "remixes")
# A live session: scheduled -> lobby (people join by code) -> running (rounds) -> finished.
LIVE_SESSION_STATES: Final = ("scheduled", "lobby", "running", "finished")
# A round: pending -> running (entries until `ends_at`) -> voting -> revealed.
LIVE_ROUND_STATES: Final = ("pending", "running", "voting", "revealed")
LIVE_ROUND_KINDS: Final[tuple[RecordKind, ...]] = ("text", "image")  # what a round's entries are

# --- limits ------------------------------------------------------------------------------------

# Ids are 32-bit integer columns (PostgreSQL `integer`): a larger number is no id, and
# PostgreSQL would refuse it with an error instead of finding nothing.
MAX_ID: Final = 2**31 - 1

MB: Final = 1024 * 1024
RECORD_MAX_BYTES: Final[dict[str, int]] = {"image": 15 * MB, "audio": 40 * MB, "video": 200 * MB}
AVATAR_MAX_BYTES: Final = 5 * MB
# What the upload forms tell people they may send (the services check the same limits).
RECORD_FILE_HINTS: Final[dict[str, str]] = {
    "image": f"PNG, JPEG, WebP or GIF, up to {RECORD_MAX_BYTES['image'] // MB} MB",
    "audio": f"MP3, OGG or WAV, up to {RECORD_MAX_BYTES['audio'] // MB} MB",
    "video": f"WebM or MP4, up to {RECORD_MAX_BYTES['video'] // MB} MB",
}
# The file types those forms' file choosers offer (MIME type -> extensions), per kind.
RECORD_FILE_ACCEPT: Final[dict[str, dict[str, list[str]]]] = {
    "image": {
        "image/png": [".png"],
        "image/jpeg": [".jpg", ".jpeg"],
        "image/webp": [".webp"],
        "image/gif": [".gif"],
    },
    "audio": {
        "audio/mpeg": [".mp3"],
        "audio/ogg": [".ogg", ".oga", ".opus"],
        "audio/wav": [".wav"],
    },
    "video": {"video/webm": [".webm"], "video/mp4": [".mp4", ".m4v"]},
}
AVATAR_HINT: Final = f"PNG, JPEG, WebP or GIF, up to {AVATAR_MAX_BYTES // MB} MB"
RECORD_BODY_MAX: Final = 20_000  # characters of a text record
COMMENT_MAX: Final = 2_000  # characters of a comment
LIVE_COMMENTS: Final = 20  # newest comments a record page shows live (each change re-sends these)
COMMENTS_PAGE: Final = 50  # older comments loaded per "Show older comments"
FEED_LIVE: Final = 12  # newest activity lines the home page shows live
FEED_PAGE: Final = 20  # older activity lines loaded per "Show older activity"
MAX_TAGS: Final = 10
MAX_SOURCES: Final = 10  # records one record may cite
RECORD_PAGE_SIZE: Final = 24  # entries per page of a challenge
# What a challenge page's room carries to every viewer on each change of its entries:
LIVE_ENTRIES: Final = 20  # the newest entries (new ones show on top of "Newest", page 1)
LIVE_REMOVALS: Final = 100  # the entries taken down most recently (hidden from every list)
LIVE_TITLES: Final = 50  # the titles of the entries edited most recently
TOTAL_BPS: Final = 10_000  # shares are integer basis points: 100% = 10,000
# The most minor units hitrec counts in one amount, one production's revenue or costs, a pool or
# a balance: money columns are 64-bit, and this stays exact as a browser's JavaScript number.
MONEY_MAX_MINOR: Final = 2**53 - 1
CONTRIBUTION_ROLE_MAX: Final = 40  # characters of a contribution's role (free text allowed)
CONTRIBUTION_WEIGHT_MAX: Final = 1_000  # a contribution's weight: 100 is a standard part
STANDARD_WEIGHT: Final = 100
PROPOSAL_OPEN_DAYS: Final = 14  # a proposal (or a new version) takes feedback this long by default
CHANGE_REASON_MAX: Final = 500  # characters of the reason for changing a share
VOTE_REASON_MAX: Final = 1_000  # characters of the reason given with a vote or a sign-off
PAYMENT_REFERENCE_MAX: Final = 200  # characters of a payment's reference (ledger_entries.reference)
# Live sessions. A join code uses letters and digits nobody confuses when read aloud or off a
# screen (no I/1/L, O/0).
LIVE_CODE_ALPHABET: Final = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LIVE_CODE_LENGTH: Final = 6
LIVE_TITLE_MAX: Final = 200  # characters of a session's title
LIVE_PROMPT_MAX: Final = 1_000  # characters of a round's prompt
LIVE_ENTRY_MAX: Final = 2_000  # characters of a text entry (short: a sprint, not a chapter)
LIVE_MAX_ROUNDS: Final = 20
LIVE_ROUND_MIN_S: Final = 10  # a round's duration, in seconds
LIVE_ROUND_MAX_S: Final = 3_600
LIVE_EXTEND_MAX_S: Final = 600  # seconds one extension may add

# --- rooms (real-time channels) ----------------------------------------------------------------

ACTIVITY_ROOM: Final = "activity"  # the home page's feed
ACCOUNTS_ROOM: Final = "accounts"  # sign-outs (the co-editing server listens)
BOARD_ROOM: Final = "board"  # the public challenge board
STANDALONE_RECORDS_ROOM: Final = "records"  # records outside any challenge
DRAFT_ROOM_RE: Final = re.compile(r"^draft-([1-9][0-9]{0,9})$")  # a draft's co-editing room


CHALLENGE_ROOM_PREFIX: Final = "challenge-"


def challenge_room(challenge_id: int) -> str:
    return f"{CHALLENGE_ROOM_PREFIX}{challenge_id}"


RECORD_ROOM_PREFIX: Final = "record-"


def record_room(record_id: int) -> str:
    return f"{RECORD_ROOM_PREFIX}{record_id}"


def records_room(challenge_id: int | None) -> str:
    """Where new, changed and removed records are announced: their challenge's room, or the
    standalone records' room."""
    return challenge_room(challenge_id) if challenge_id else STANDALONE_RECORDS_ROOM


PROPOSAL_ROOM_PREFIX: Final = "proposal-"


def proposal_room(proposal_id: int) -> str:
    """A pay proposal's discussion: votes, tallies, comments, sign-offs and new versions."""
    return f"{PROPOSAL_ROOM_PREFIX}{proposal_id}"


LIVE_ROOM_PREFIX: Final = "live-"


def live_room(session_id: int) -> str:
    """A live session's room: lobby, rounds, entries, spotlight, tallies (never a countdown
    tick: clients count down to the round's `ends_at` themselves)."""
    return f"{LIVE_ROOM_PREFIX}{session_id}"


def draft_room(draft_id: int) -> str:
    return f"draft-{draft_id}"


PRODUCTION_ROOM_PREFIX: Final = "production-"


def production_room(production_id: int) -> str:
    """Where a production's changes (settings, contributions, money) are announced."""
    return f"{PRODUCTION_ROOM_PREFIX}{production_id}"


INBOX_ROOM_PREFIX: Final = "inbox-"


def inbox_room(user_id: int) -> str:
    return f"{INBOX_ROOM_PREFIX}{user_id}"


# --- presence (who is watching a record or a challenge page) -----------------------------------

PRESENCE_TICK_SECONDS: Final = 1.0  # how often a room's changed viewer count is sent (at most)
PRESENCE_NAMES: Final = 3  # signed-in viewers named on the page; the rest are counted
PRESENCE_GONE_WITHIN: Final = 30  # seconds: a tab whose network dropped stops being counted
# The socket's engine.io heartbeat (Reflex's defaults, 25 s and 120 s, keep a silent client for
# over two minutes): a client that stops answering is closed at most PING_INTERVAL +
# PING_TIMEOUT seconds after its last packet. Set in rxconfig.py (REFLEX_SOCKET_INTERVAL/TIMEOUT).
SOCKET_PING_INTERVAL: Final = 10
SOCKET_PING_TIMEOUT: Final = 10


def draft_id_of_room(room: str) -> int | None:
    """The draft id named by a co-editing room ("draft-12" -> 12), or None."""
    match = DRAFT_ROOM_RE.fullmatch(room)
    draft_id = int(match.group(1)) if match else 0
    return draft_id if 0 < draft_id <= MAX_ID else None


# --- event kinds ------------------------------------------------------------------------------


class EventKind(StrEnum):
    """What happened: published by services after the commit, delivered to rooms.

    Subscribers match a kind, or every kind of a family by its prefix ("record.")."""

    USER_JOINED = "user.joined"
    SESSION_REVOKED = "session.revoked"  # {"session_id", "user_id"}, after a sign-out
    CHALLENGE_OPENED = "challenge.opened"
    CHALLENGE_UPDATED = "challenge.updated"
    CHALLENGE_CLOSED = "challenge.closed"
    RECORD_CREATED = "record.created"
    RECORD_UPDATED = "record.updated"
    RECORD_DELETED = "record.deleted"
    RECORD_WITHDRAWN = "record.withdrawn"
    HEART_CHANGED = "heart.changed"  # to the record's room: its heart count
    HEART_COUNT = "heart.count"  # to the challenge's room: one entry's heart count
    LINEAGE_CHANGED = "lineage.changed"  # to the record's room: its remix count
    LINEAGE_COUNT = "lineage.count"  # to the challenge's room: one entry's remix count
    COMMENT_CREATED = "comment.created"
    COMMENT_COUNT = "comment.count"  # to the challenge's room: one entry's comment count
    NOTIFICATION_NEW = "notification.new"
    NOTIFICATION_READ = "notification.read"
    DRAFT_MEMBER_CHANGED = "draft.member_changed"
    # To the production's room: {"production_id", "part": "settings" | "contributions" |
    # "money"}; the contributors' pool may have changed.
    PRODUCTION_CHANGED = "production.changed"
    # To a proposal's room (payloads small enough for a live view to apply without a query):
    # its state, version, closing date or tally visibility changed
    PROPOSAL_CHANGED = "proposal.changed"
    PROPOSAL_VOTE = "proposal.vote"  # one line's tally after a vote
    PROPOSAL_COMMENT = "proposal.comment"  # the new comment itself
    PROPOSAL_SIGN_OFF = "proposal.sign_off"  # a payee's answer, and how many have not answered
    # To a live session's room (services/live_*.py say each payload); `seq` is the session's
    # number of host actions applied, so a view can tell it missed one and reload.
    LIVE_SESSION = "live.session"  # the session's state changed
    LIVE_LOBBY = "live.lobby"  # someone joined or was removed, and how many are in
    LIVE_ROUND = "live.round"  # a round's state or end time changed
    LIVE_ENTRY = "live.entry"  # an entry was submitted, revised or hidden
    LIVE_SPOTLIGHT = "live.spotlight"  # the entry shown large to all (or none)
    LIVE_TALLY = "live.tally"  # one round's votes (only their number while hidden)


class LiveMoment(StrEnum):
    """What a live session's timeline (`live_events.kind`) records, in the order it happened."""

    LOBBY_OPENED = "lobby.opened"
    ROUND_STARTED = "round.started"
    ROUND_EXTENDED = "round.extended"
    ROUND_ENDED = "round.ended"  # entries closed; the vote opens
    ENTRY_SUBMITTED = "entry.submitted"
    ENTRY_REVISED = "entry.revised"
    ENTRY_HIDDEN = "entry.hidden"
    SPOTLIGHT = "spotlight"
    PARTICIPANT_REMOVED = "participant.removed"
    ROUND_REVEALED = "round.revealed"  # the vote's tally at the reveal
    SESSION_ENDED = "session.ended"  # the result: how many entries became records
