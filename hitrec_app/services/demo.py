"""Demo content: a believable little studio, loaded only into an empty database.

What the studio holds (people, challenges, records, hearts, a draft ...) is data, in
demo_studio.toml; this module turns it into rows.
"""

from __future__ import annotations

import io
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PIL import Image, ImageDraw
from sqlmodel import Session

from hitrec_app.models import (
    Challenge,
    Comment,
    Draft,
    DraftCollaborator,
    Heart,
    MoneyEntry,
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    User,
    utcnow,
)
from hitrec_app.services import (
    accounts,
    lineage,
    live_entries,
    live_moderation,
    live_results,
    live_rounds,
    live_sessions,
    notifications,
    proposal_votes,
    proposals,
    uploads,
)
from hitrec_app.services.live_sessions import RoundInput

DEMO_PASSWORD = "hitrec-demo-2026"  # noqa: S105 (documented in the README)
STUDIO = Path(__file__).with_name("demo_studio.toml")


class _Row(Protocol):
    id: int | None


R = TypeVar("R", bound=_Row)


def _id(row: _Row) -> int:
    """The id of a row already flushed (so the database has given it one)."""
    assert row.id is not None
    return row.id


def _demo_image() -> bytes:
    image = Image.new("RGB", (640, 400), "#0b1d3a")
    draw = ImageDraw.Draw(image)
    for i in range(200):
        draw.line([(0, 200 + i), (640, 200 + i)], fill=(11 + i // 4, 29 + i // 5, 58 + i // 6))
    draw.polygon([(300, 380), (340, 380), (332, 150), (308, 150)], fill="#f2efe6")
    draw.rectangle([(302, 120), (338, 150)], fill="#ffd166")
    draw.polygon([(320, 135), (640, 60), (640, 210)], fill=(255, 209, 102, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load_demo(*, session: Session) -> bool:
    """Fill an empty database; returns False (touching nothing) if it has any user."""
    if accounts.count_users(session=session) > 0:
        return False
    studio = tomllib.loads(STUDIO.read_text(encoding="utf-8"))
    build = _Builder(session)
    # In this order, so that every entry finds the rows it names.
    steps = (
        ("users", build.user),
        ("productions", build.production),
        ("challenges", build.challenge),
        ("records", build.record),
        ("productions", build.contributions_and_money),
        ("drafts", build.draft),
        ("records", build.reactions),
        ("live_sessions", build.live_session),
        ("proposals", build.proposal),
    )
    for section, step in steps:
        for spec in studio[section]:
            step(spec)
    lineage.recount_remixes(session=session, record_ids=[_id(r) for r in build.records.values()])
    session.flush()
    return True


class _Builder:
    """Turns the studio's entries into rows, keeping each named row (users by username,
    the rest by key) for the entries that refer to it. Live sessions are played through
    their services instead, so their rounds, entries, votes, records and timeline agree."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.now = utcnow()
        self.users: dict[str, User] = {}
        self.productions: dict[str, Production] = {}
        self.challenges: dict[str, Challenge] = {}
        self.records: dict[str, Record] = {}

    def _saved(self, row: R) -> R:
        """The row, added and flushed (so it has its id)."""
        self.session.add(row)
        self.session.flush()
        return row

    def user(self, spec: dict[str, Any]) -> None:
        user = accounts.sign_up(
            session=self.session,
            username=spec["username"],
            password=DEMO_PASSWORD,
            accept_terms=True,
            display_name=spec["display_name"],
        )
        user.role, user.bio = spec["role"], spec["bio"]
        self.users[spec["username"]] = self._saved(user)

    def production(self, spec: dict[str, Any]) -> None:
        host = self.users[spec["host"]]
        production = Production(
            title=spec["title"],
            host_id=_id(host),
            description=spec["description"],
            currency=spec["currency"],
            contributors_share_bps=spec["contributors_share_bps"],
        )
        self.productions[spec["key"]] = self._saved(production)

    def challenge(self, spec: dict[str, Any]) -> None:
        deadline = self.now + timedelta(days=spec["deadline_in_days"])
        production = self.productions.get(spec.get("production", ""))
        challenge = Challenge(
            host_id=_id(self.users[spec["host"]]),
            title=spec["title"],
            prompt=spec["prompt"],
            instructions=spec.get("instructions", ""),
            accepted_kinds=spec["accepted_kinds"],
            state=spec["state"],
            deadline=deadline,
            closed_at=deadline if spec["state"] == "closed" else None,
            production_id=production.id if production else None,
            pool_cents=spec.get("pool_cents"),
            contributors_share_bps=spec.get("contributors_share_bps"),
        )
        self.challenges[spec["key"]] = self._saved(challenge)

    def record(self, spec: dict[str, Any]) -> None:
        """A record, its author's credit and its citations of records made before it."""
        file_path = None
        if "file" in spec:
            file_path = uploads._write_atomically(spec["file"], _demo_image())
        record = self._saved(
            Record(
                kind=spec["kind"],
                title=spec["title"],
                body=spec.get("body"),
                challenge_id=_id(self.challenges[spec["challenge"]]),
                submitted_by_id=_id(self.users[spec["by"]]),
                tags=spec["tags"],
                file_path=file_path,
                thumbnail_path=file_path,
                mime_type="image/png" if file_path else None,
                created_at=self.now - timedelta(hours=spec["hours_ago"]),
            )
        )
        self.session.add(RecordAuthor(record_id=_id(record), user_id=record.submitted_by_id))
        for key in spec.get("sources", ()):
            self.session.add(RecordSource(record_id=_id(record), source_id=_id(self.records[key])))
        self.records[spec["key"]] = record

    def contributions_and_money(self, spec: dict[str, Any]) -> None:
        """The production's contributions (records in their roles) and its money in and out."""
        production = self.productions[spec["key"]]
        for credit in spec.get("credits", ()):
            self.session.add(
                ProductionContribution(
                    production_id=_id(production),
                    record_id=_id(self.records[credit["record"]]),
                    role=credit["role"],
                    weight=credit["weight"],
                    note=credit.get("note", ""),
                    added_by_id=production.host_id,
                )
            )
        for entry in spec.get("money", ()):
            self.session.add(
                MoneyEntry(
                    production_id=_id(production),
                    kind=entry["kind"],
                    amount_minor=entry["cents"],
                    source=entry["source"],
                    occurred_on=(self.now - timedelta(days=entry["days_ago"])).date(),
                    note=entry.get("note", ""),
                    created_by_id=production.host_id,
                )
            )

    def draft(self, spec: dict[str, Any]) -> None:
        owner = self.users[spec["owner"]]
        challenge = self.challenges[spec["challenge"]]
        draft = self._saved(
            Draft(title=spec["title"], owner_id=_id(owner), challenge_id=_id(challenge))
        )
        roles = {spec["owner"]: "owner", **spec.get("members", {})}
        for username, role in roles.items():
            user_id = _id(self.users[username])
            self.session.add(DraftCollaborator(draft_id=_id(draft), user_id=user_id, role=role))

    def reactions(self, spec: dict[str, Any]) -> None:
        """A record's tags, hearts and comments, and the counters the board sorts by."""
        record = self.records[spec["key"]]
        for tag in dict.fromkeys(t.strip().lower() for t in record.tags.split(",") if t.strip()):
            self.session.add(RecordTag(record_id=_id(record), tag=tag))
        hearts = spec.get("hearts", [])
        for username in hearts:
            self.session.add(Heart(record_id=_id(record), user_id=_id(self.users[username])))
        comments = spec.get("comments", [])
        for comment in comments:
            author_id = _id(self.users[comment["by"]])
            self.session.add(
                Comment(author_id=author_id, record_id=record.id, body=comment["body"])
            )
        record.heart_count, record.comment_count = len(hearts), len(comments)

    def live_session(self, spec: dict[str, Any]) -> None:
        """A scheduled session, or one played to its end: each round started, its entries
        submitted (an image round's with the demo picture), an entry spotlighted, the round
        ended, the votes cast and revealed; then the session ended (entries become records)."""
        s = self.session
        host = _id(self.users[spec["host"]])
        starts = spec.get("starts_in_hours")
        live = live_sessions.schedule_session(
            session=s,
            user_id=host,
            challenge_id=_id(self.challenges[spec["challenge"]]),
            title=spec["title"],
            rounds=[
                RoundInput(r["prompt"], r["kind"], r["duration_s"], r.get("tally_hidden", False))
                for r in spec["rounds"]
            ],
            scheduled_for=self.now + timedelta(hours=starts) if starts else None,
        )
        if spec["state"] == "scheduled":
            return
        sid = _id(live)
        live_sessions.open_lobby(session=s, user_id=host, session_id=sid)
        for username in spec["people"]:
            live_sessions.join(session=s, user_id=_id(self.users[username]), code=live.code)
        spotlit: dict[str, int] = {}  # author -> their entry the host spotlighted
        for number, round_spec in enumerate(spec["rounds"], start=1):
            row = live_rounds.start_round(session=s, user_id=host, session_id=sid, number=number)
            entries: dict[str, int] = {}
            for entry in round_spec.get("entries", ()):
                answers = entry.get("answers")
                made = live_entries.submit_entry(
                    session=s,
                    user_id=_id(self.users[entry["by"]]),
                    round_id=_id(row),
                    text=entry["text"],
                    image=_demo_image() if row.kind == "image" else None,
                    answers_entry_id=spotlit[answers] if answers else None,
                )
                entries[entry["by"]] = _id(made)
            if "spotlight" in round_spec:
                author = round_spec["spotlight"]
                live_moderation.spotlight(
                    session=s, user_id=host, session_id=sid, entry_id=entries[author]
                )
                spotlit[author] = entries[author]
            live_rounds.end_round(session=s, user_id=host, session_id=sid, number=number)
            for voter, author in round_spec.get("votes", {}).items():
                live_entries.cast_vote(
                    session=s, user_id=_id(self.users[voter]), entry_id=entries[author]
                )
            live_rounds.reveal(session=s, user_id=host, session_id=sid, number=number)
        live_results.end_session(session=s, user_id=host, session_id=sid)

    def proposal(self, spec: dict[str, Any]) -> None:
        """A pay proposal of a production, through the services: version 1 opened with the
        suggested split, its votes and comments; then (`revision`) version 2 with shares
        moved for the reasons named (comments marked `reason`, and every objection), opened,
        with its own votes, comments and sign-offs."""
        host_id = _id(self.users[spec["host"]])
        production_id = _id(self.productions[spec["production"]])
        proposal = proposals.create_proposal(
            session=self.session, user_id=host_id, production_id=production_id, title=spec["title"]
        )
        pid = _id(proposal)
        closes = self.now + timedelta(days=spec["open_days"])
        proposals.open_proposal(
            session=self.session, user_id=host_id, proposal_id=pid, closes_at=closes
        )
        objections = self._votes(pid, spec.get("votes", ()))
        reasons = self._comments(pid, spec.get("comments", ()))
        revision = spec.get("revision")
        if revision is None:
            return
        version = proposals.revise_proposal(
            session=self.session, user_id=host_id, proposal_id=pid, note=revision["note"]
        )
        shares = {
            line.user_id: line.share_bps for line in proposals.lines_of(self.session, _id(version))
        }
        for move in revision.get("moves", ()):
            giver, taker = _id(self.users[move["from"]]), _id(self.users[move["to"]])
            shares[giver] -= move["bps"]
            shares[taker] += move["bps"]
            for uid in (giver, taker):
                proposals.set_line_share(
                    session=self.session,
                    user_id=host_id,
                    proposal_id=pid,
                    version=version.number,
                    payee_id=uid,
                    share_bps=shares[uid],
                    reason=move["reason"],
                )
        proposals.set_version_reasons(
            session=self.session,
            user_id=host_id,
            proposal_id=pid,
            version=version.number,
            comment_ids=reasons,
            vote_ids=objections,
        )
        proposals.open_proposal(
            session=self.session, user_id=host_id, proposal_id=pid, closes_at=closes
        )
        self._votes(pid, revision.get("votes", ()))
        self._comments(pid, revision.get("comments", ()))
        for answer in revision.get("sign_offs", ()):
            proposal_votes.sign_off(
                session=self.session,
                user_id=_id(self.users[answer["by"]]),
                proposal_id=pid,
                answer=answer["answer"],
                reason=answer.get("reason", ""),
            )
        # What the services told people happened before anyone signed in: already read (as
        # the rest of the demo's past, whose hearts and comments notify nobody).
        for user in self.users.values():
            notifications.mark_all_read(session=self.session, user_id=_id(user))

    def _votes(self, pid: int, specs: Any) -> list[int]:
        """Cast the votes; returns the objections' ids."""
        objections = []
        for vote in specs:
            row = proposal_votes.cast_vote(
                session=self.session,
                user_id=_id(self.users[vote["by"]]),
                proposal_id=pid,
                payee_id=_id(self.users[vote["on"]]),
                value=vote["vote"],
                reason=vote.get("reason", ""),
            )
            if row.value == "object":
                objections.append(_id(row))
        return objections

    def _comments(self, pid: int, specs: Any) -> list[int]:
        """Post the comments (`reply_to`: the 1-based number of an earlier one in `specs`);
        returns the ids of those marked `reason`."""
        posted: list[int] = []
        reasons = []
        for comment in specs:
            row = proposal_votes.add_comment(
                session=self.session,
                user_id=_id(self.users[comment["by"]]),
                proposal_id=pid,
                body=comment["body"],
                payee_id=_id(self.users[comment["on"]]) if "on" in comment else None,
                parent_id=posted[comment["reply_to"] - 1] if "reply_to" in comment else None,
            )
            posted.append(_id(row))
            if comment.get("reason"):
                reasons.append(_id(row))
        return reasons
