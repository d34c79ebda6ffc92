"""Demo content: a believable little studio, loaded only into an empty database."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Protocol

from PIL import Image, ImageDraw
from sqlmodel import Session, select

from hitrec_app.models import (
    Challenge,
    Comment,
    Draft,
    DraftCollaborator,
    Heart,
    Production,
    ProductionContribution,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    RevenueEntry,
    User,
    utcnow,
)
from hitrec_app.services import accounts, lineage, uploads

DEMO_PASSWORD = "hitrec-demo-2026"  # noqa: S105 (documented in the README)
DEMO_USERS = [
    # username, display name, role, bio
    ("maya", "Maya Okafor", "admin", "Runs the studio. Hosts the weekly story challenges."),
    ("jules", "Jules Marchetti", "host", "Writer and occasional sound designer."),
    ("priya", "Priya Raman", "member", "Illustrator. Loves a good lighthouse."),
    ("tomas", "Tomás Herrera", "member", "Field recordist; rain is my favourite instrument."),
    ("ada", "Ada Lindqvist", "member", "Poet, remixer, collector of small moments."),
]


class _Row(Protocol):
    id: int | None


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


def _record(
    session: Session,
    *,
    by: User,
    kind: str,
    title: str,
    body: str | None = None,
    challenge: Challenge | None = None,
    tags: str = "",
    sources: tuple[Record, ...] = (),
    authors: tuple[User, ...] = (),
    file_path: str | None = None,
    mime: str | None = None,
    age_hours: int = 0,
) -> Record:
    record = Record(
        kind=kind,
        title=title,
        body=body,
        challenge_id=challenge.id if challenge else None,
        submitted_by_id=_id(by),
        tags=tags,
        file_path=file_path,
        thumbnail_path=file_path,
        mime_type=mime,
        created_at=utcnow() - timedelta(hours=age_hours),
    )
    session.add(record)
    session.flush()
    for author in authors or (by,):
        session.add(RecordAuthor(record_id=_id(record), user_id=_id(author)))
    for source in sources:
        session.add(RecordSource(record_id=_id(record), source_id=_id(source)))
    return record


def load_demo(*, session: Session) -> bool:
    """Fill an empty database; returns False (touching nothing) if it has any user."""
    if accounts.count_users(session=session) > 0:
        return False
    users: dict[str, User] = {}
    for username, name, role, bio in DEMO_USERS:
        user = accounts.sign_up(
            session=session,
            username=username,
            password=DEMO_PASSWORD,
            accept_terms=True,
            display_name=name,
        )
        user.role, user.bio = role, bio
        session.add(user)
        users[username] = user
    maya, jules, priya, tomas, ada = (users[u] for u in ("maya", "jules", "priya", "tomas", "ada"))
    now = utcnow()

    production = Production(
        title="Lighthouse: a short film",
        host_id=_id(maya),
        description="A seven-minute animated short built from the lighthouse challenge.",
    )
    session.add(production)
    session.flush()
    lighthouse = Challenge(
        host_id=_id(maya),
        title="The lighthouse at the end of the world",
        prompt="Write the opening page of a story set in a lighthouse nobody visits any more.",
        instructions="Text up to 600 words, or an image of the lighthouse. Remixes welcome.",
        accepted_kinds="text,image",
        state="open",
        deadline=now + timedelta(days=10),
        production_id=production.id,
        pool_cents=120_000,
        contributors_share_bps=5000,
    )
    rain = Challenge(
        host_id=_id(jules),
        title="Sounds of a rainy city",
        prompt="Record two minutes of rain somewhere you love.",
        accepted_kinds="audio",
        state="closed",
        deadline=now - timedelta(days=3),
        closed_at=now - timedelta(days=3),
    )
    session.add_all([lighthouse, rain])
    session.flush()

    opening = _record(
        session,
        by=jules,
        kind="text",
        title="The keeper's last log",
        challenge=lighthouse,
        tags="story,lighthouse",
        age_hours=50,
        body="**Day 4,012.** The lamp still turns, though no ship has come in years.\n\n"
        "I write these logs for no one, which is to say for you.",
    )
    image_path = uploads._write_atomically("records/demo-lighthouse.png", _demo_image())
    picture = _record(
        session,
        by=priya,
        kind="image",
        title="The lamp at dusk",
        challenge=lighthouse,
        tags="illustration,lighthouse",
        sources=(opening,),
        file_path=image_path,
        mime="image/png",
        age_hours=30,
    )
    remix = _record(
        session,
        by=ada,
        kind="text",
        title="Log, answered",
        challenge=lighthouse,
        tags="poem,remix",
        sources=(opening, picture),
        age_hours=12,
        body="You wrote for no one.\nI am no one.\nI read every line.",
    )
    _record(
        session,
        by=tomas,
        kind="text",
        title="Storm notes",
        challenge=lighthouse,
        tags="story",
        sources=(remix,),
        age_hours=2,
        body="The storm came in sideways, the way the keeper said it would.",
    )
    _record(
        session,
        by=ada,
        kind="text",
        title="Puddles on Rua Augusta",
        challenge=rain,
        tags="poem,rain",
        age_hours=90,
        body="Every puddle a small sky.",
    )

    for record in (opening, picture, remix):
        session.add(ProductionContribution(production_id=_id(production), record_id=_id(record)))
    session.add(
        RevenueEntry(
            production_id=_id(production), amount_cents=240_000, source="Festival screening fee"
        )
    )

    draft = Draft(title="The Keeper's Daughter", owner_id=_id(jules), challenge_id=lighthouse.id)
    session.add(draft)
    session.flush()
    session.add_all(
        [
            DraftCollaborator(draft_id=_id(draft), user_id=_id(jules), role="owner"),
            DraftCollaborator(draft_id=_id(draft), user_id=_id(priya), role="editor"),
            DraftCollaborator(draft_id=_id(draft), user_id=_id(ada), role="viewer"),
        ]
    )
    _creative_extras(session, users)  # hearts, tags and counters for the challenge board
    return True


def _creative_extras(session: Session, users: dict[str, User]) -> None:
    """Tags, a few hearts and comments, and the counters the challenge board sorts by."""
    session.flush()
    all_records = list(session.exec(select(Record)))
    for record in all_records:
        for tag in dict.fromkeys(t.strip().lower() for t in record.tags.split(",") if t.strip()):
            session.add(RecordTag(record_id=_id(record), tag=tag))
    by_title = {r.title: r for r in all_records}
    hearts = {
        "The keeper's last log": ("maya", "priya", "ada", "tomas"),
        "The lamp at dusk": ("jules", "ada"),
        "Log, answered": ("jules",),
    }
    for title, names in hearts.items():
        if title in by_title:
            for name in names:
                session.add(Heart(record_id=_id(by_title[title]), user_id=_id(users[name])))
            by_title[title].heart_count = len(names)
    if "The lamp at dusk" in by_title:
        session.add(
            Comment(
                author_id=_id(users["jules"]),
                record_id=by_title["The lamp at dusk"].id,
                body="That light is exactly how I pictured it.",
            )
        )
        by_title["The lamp at dusk"].comment_count = 1
    lineage.recount_remixes(session=session, record_ids=[r.id for r in all_records if r.id])
    session.flush()
