"""What a live session's readers return and its room events carry: small typed rows.

Times are ISO 8601 strings in UTC (the server's clock): a client counts down to a round's
`ends_at` against the `server_now` it was given, never against its own clock alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from hitrec_app.models import LiveEntry, LiveRound, User


def iso(when: datetime | None) -> str | None:
    return when.isoformat() if when is not None else None


@dataclass(frozen=True)
class RoundRow:
    id: int
    number: int
    prompt: str
    kind: str  # vocabulary.LIVE_ROUND_KINDS
    duration_s: int
    state: str  # vocabulary.LIVE_ROUND_STATES
    started_at: str | None
    ends_at: str | None  # entries are refused after it
    tally_hidden: bool
    spotlight_entry_id: int | None


def round_row(row: LiveRound) -> RoundRow:
    return RoundRow(
        id=row.id or 0,
        number=row.number,
        prompt=row.prompt,
        kind=row.kind,
        duration_s=row.duration_s,
        state=row.state,
        started_at=iso(row.started_at),
        ends_at=iso(row.ends_at),
        tally_hidden=row.tally_hidden,
        spotlight_entry_id=row.spotlight_entry_id,
    )


@dataclass(frozen=True)
class EntryRow:
    id: int
    round_id: int
    user_id: int
    author_name: str
    author_username: str
    text: str  # a text entry, or an image entry's caption
    image_path: str  # under the upload dir ("" for text)
    thumbnail_path: str
    answers_entry_id: int | None  # the spotlit entry it answers
    hidden: bool
    spotlighted: bool
    record_id: int | None  # the record it became when the session ended
    created_at: str


def entry_row(entry: LiveEntry, author: User) -> EntryRow:
    return EntryRow(
        id=entry.id or 0,
        round_id=entry.round_id,
        user_id=entry.user_id,
        author_name=author.display_name or author.username,
        author_username=author.username,
        text=entry.text,
        image_path=entry.file_path or "",
        thumbnail_path=entry.thumbnail_path or "",
        answers_entry_id=entry.answers_entry_id,
        hidden=entry.hidden_at is not None,
        spotlighted=entry.spotlighted_at is not None,
        record_id=entry.record_id,
        created_at=entry.created_at.isoformat(),
    )


@dataclass(frozen=True)
class TallyRow:
    entry_id: int
    votes: int


@dataclass(frozen=True)
class Tally:
    """One round's vote. While the host keeps it hidden (and it is not revealed), `rows`
    and `winner_ids` are empty for everyone but the host: only the number of votes shows."""

    round_id: int
    round_number: int
    votes: int
    visible: bool
    revealed: bool
    rows: list[TallyRow] = field(default_factory=list)  # most votes first, then oldest entry
    winner_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ParticipantRow:
    user_id: int
    username: str
    display_name: str
    joined_at: str


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened, for the replay (`payload` as stored, minus hidden text)."""

    id: int
    seq: int
    at: str
    kind: str  # vocabulary.LiveMoment
    round_number: int | None
    summary: str  # one line a person reads
    payload: dict = field(default_factory=dict)
