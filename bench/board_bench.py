"""Challenge board bench: server time of a challenge page's data load with 10,000 records.

Fills a throw-away SQLite database (migrated with Alembic) with one challenge holding
10,000 records (hearts, remixes, tags, 50 authors), then times what the challenge page
loads on the server: the challenge, the live room (entry count, latest entries) and the
first page of entries, for each sort (newest, most hearted, most remixed), plus filters
and a deep page. Prints p50/p95 and writes them to docs/benchmarks.md under
"## Challenge board" (only that section is replaced).

    .venv/bin/python bench/board_bench.py [--records 10000] [--repeats 60]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="hitrec-bench-"))
os.environ["HITREC_DATA_DIR"] = str(_TMP)
os.environ["HITREC_DATABASE_URL"] = f"sqlite:///{_TMP / 'bench.db'}"
os.environ.setdefault("HITREC_SECRET_KEY", "bench")

from alembic.config import Config  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from alembic import command  # noqa: E402
from hitrec_app.db import get_engine  # noqa: E402
from hitrec_app.models import (  # noqa: E402
    Challenge,
    Record,
    RecordAuthor,
    RecordSource,
    RecordTag,
    User,
)
from hitrec_app.services import challenges, record_views  # noqa: E402

BUDGET_MS = 300.0
URL = os.environ["HITREC_DATABASE_URL"]
TAGS = ["story", "poem", "rain", "city", "night", "lighthouse", "sea", "bus", "dream", "song"]


def migrate() -> None:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.cmd_opts = type("Opts", (), {"x": [f"url={URL}"]})()
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "head")


def fill(n_records: int) -> int:
    rng = random.Random(7)
    engine = get_engine(URL, immediate=True)
    now = datetime.now(UTC)
    with Session(engine) as session:
        users = [
            dict(
                username=f"member{i}",
                username_key=f"member{i}",
                display_name=f"Member {i}",
                password_hash="x",  # noqa: S106  (nobody signs in)
                role="host" if i == 0 else "member",
                terms_version="bench",
                terms_accepted_at=now,
                created_at=now,
            )
            for i in range(50)
        ]
        session.execute(insert(User), users)
        challenge = Challenge(
            host_id=1,
            title="Ten thousand voices",
            prompt="Anything.",
            state="open",
            deadline=now + timedelta(days=30),
        )
        session.add(challenge)
        session.flush()
        cid = challenge.id
        rows, authors, tags = [], [], []
        for i in range(1, n_records + 1):
            kind = rng.choice(["text", "text", "image", "audio", "video"])
            user = rng.randint(1, 50)
            rows.append(
                dict(
                    id=i,
                    kind=kind,
                    title=f"Record {i} about {rng.choice(TAGS)}",
                    description="",
                    body=("Lorem ipsum dolor sit amet. " * 20) if kind == "text" else None,
                    file_path=None if kind == "text" else f"records/{i:032x}.bin",
                    thumbnail_path=f"records/thumbs/{i:032x}.webp" if kind == "image" else None,
                    challenge_id=cid,
                    submitted_by_id=user,
                    tags=",".join(rng.sample(TAGS, 2)),
                    created_at=now - timedelta(minutes=n_records - i),
                    heart_count=int(rng.paretovariate(1.5)) - 1,
                    remix_count=0,
                    comment_count=rng.randint(0, 5),
                )
            )
            authors.append(dict(record_id=i, user_id=user))
            tags.extend(dict(record_id=i, tag=t) for t in rows[-1]["tags"].split(","))
        session.execute(insert(Record), rows)
        session.execute(insert(RecordAuthor), authors)
        session.execute(insert(RecordTag), tags)
        # About a third of the records remix one or two earlier ones.
        edges = set()
        for i in range(2, n_records + 1):
            if rng.random() < 0.33:
                for _ in range(rng.choice([1, 1, 2])):
                    edges.add((i, rng.randint(max(1, i - 500), i - 1)))
        session.execute(
            insert(RecordSource), [dict(record_id=r, source_id=s, created_at=now) for r, s in edges]
        )
        session.connection().exec_driver_sql(
            "UPDATE records SET remix_count = (SELECT count(*) FROM record_sources "
            "WHERE record_sources.source_id = records.id)"
        )
        session.commit()
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    return cid


def page_load(cid: int, **kw) -> None:
    """What the challenge page's on_load handlers read (ChallengeState.load + ChallengeLive.join)."""
    engine = get_engine(URL)
    with Session(engine) as session:
        challenges.has_expired(session=session)
        challenge = challenges.get_challenge(session=session, challenge_id=cid)
        session.get(User, challenge.host_id)
        record_views.challenge_entries(session=session, challenge_id=cid, **kw)
        challenges.entry_counts(session=session, challenge_ids=[cid])
        challenges.latest_entries(session=session, challenge_id=cid, limit=5)


def measure(cid: int, repeats: int, **kw) -> tuple[float, float]:
    page_load(cid, **kw)  # warm
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        page_load(cid, **kw)
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)]
    return statistics.median(samples), p95


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    return (
        f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.release()}"
    )


def write_doc(section: str) -> None:
    path = ROOT / "docs" / "benchmarks.md"
    text = (
        path.read_text()
        if path.exists()
        else "# Benchmarks\n\nFigures written by the scripts in `bench/`.\n"
    )
    heading = "## Challenge board"
    if heading in text:
        start = text.index(heading)
        nxt = text.find("\n## ", start + len(heading))
        text = text[:start] + section + (text[nxt + 1 :] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=60)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    migrate()
    t0 = time.perf_counter()
    cid = fill(args.records)
    print(f"filled {args.records} records in {time.perf_counter() - t0:.1f} s")
    cases = [
        ("first page, newest", dict(sort="newest")),
        ("first page, most hearted", dict(sort="hearts")),
        ("first page, most remixed", dict(sort="remixes")),
        ("filter: images, newest", dict(sort="newest", kind="image")),
        ("filter: never remixed, most hearted", dict(sort="hearts", never_remixed=True)),
        ("deep page (page 400), newest", dict(sort="newest", page=400)),
    ]
    lines = []
    worst = 0.0
    for label, kw in cases:
        p50, p95 = measure(cid, args.repeats, **kw)
        if kw.get("page", 1) == 1 and not kw.get("kind") and not kw.get("never_remixed"):
            worst = max(worst, p95)
        print(f"{label:40s} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms")
        lines.append(f"| {label} | {p50:.1f} ms | {p95:.1f} ms |")
    verdict = "within" if worst <= BUDGET_MS else "MISSES"
    info = machine()
    print(f"machine: {info}")
    print(f"worst first-page p95 {worst:.1f} ms: {verdict} the {BUDGET_MS:.0f} ms budget")
    section = "\n".join(
        [
            "## Challenge board",
            "",
            f"`bench/board_bench.py`: one challenge with {args.records:,} records (hearts, remixes, "
            "tags, 50 authors) in SQLite; server time of the challenge page's data load (the "
            "challenge, the live room's entry count and latest entries, and one page of 24 entries), "
            f"{args.repeats} timed calls per case after one warm-up.",
            "",
            f"Run {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')} on: {info}.",
            "",
            "| case | p50 | p95 |",
            "|---|---|---|",
            *lines,
            "",
            f"Budget: first page <= {BUDGET_MS:.0f} ms server time. Worst first-page p95: "
            f"{worst:.1f} ms ({verdict} budget).",
            "",
        ]
    )
    if not args.no_write:
        write_doc(section)
        print("wrote docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
