"""Remix lineage: which records a record cites, checks on citations, and the graph.

`record_sources` holds edges "record cites source". Ancestors are what a record was
built from (upstream); descendants are what was built from it (downstream).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from hitrec_app.models import Record, RecordAuthor, RecordSource, User
from hitrec_app.services.errors import ValidationError
from hitrec_app.vocabulary import MAX_SOURCES

MAX_DEPTH = 12
UPSTREAM_CAP = 2000  # records walked for the credits list

# Graph picture geometry (pixels).
NODE_W, NODE_H = 184, 76
COL_GAP, ROW_GAP = 64, 18
PAD = 12
ARC_ROOM = 44  # space above the nodes for edges that skip a generation


def _edges(session: Session, ids: Iterable[int], *, citing: bool) -> list[tuple[int, int]]:
    """(record_id, source_id) edges whose record (or, with `citing`, whose source) is in `ids`."""
    wanted = list(ids)
    if not wanted:
        return []
    end = RecordSource.source_id if citing else RecordSource.record_id
    return list(
        session.exec(
            select(RecordSource.record_id, RecordSource.source_id).where(col(end).in_(wanted))
        )
    )


def _parents(session: Session, ids: Iterable[int]) -> list[tuple[int, int]]:
    """(record_id, source_id) edges for records in `ids` (their citations)."""
    return _edges(session, ids, citing=False)


def _children(session: Session, ids: Iterable[int]) -> list[tuple[int, int]]:
    """(record_id, source_id) edges for records citing any of `ids`."""
    return _edges(session, ids, citing=True)


def _walk(session: Session, start: int, *, up: bool, depth: int, cap: int) -> dict[int, int]:
    """Breadth-first: record id -> distance from `start` (excluded), up or down the lineage."""
    seen: dict[int, int] = {}
    frontier = {start}
    level = 0
    while frontier and level < depth and len(seen) < cap:
        level += 1
        edges = _parents(session, frontier) if up else _children(session, frontier)
        nxt = {src if up else rec for rec, src in edges} - seen.keys() - {start}
        for rid in nxt:
            seen[rid] = level
        frontier = nxt
    return seen


def _records(session: Session, ids: Iterable[int]) -> dict[int, Record]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = session.exec(select(Record).where(col(Record.id).in_(wanted)))
    return {r.id: r for r in rows if r.id is not None}


def descendant_ids(session: Session, record_id: int) -> set[int]:
    return set(_walk(session, record_id, up=False, depth=10_000, cap=1_000_000))


def check_sources(
    *, session: Session, record_id: int | None, source_ids: Iterable[int]
) -> list[Record]:
    """Validate citations for `record_id` (None for a record not created yet).

    Each source must exist, not be withdrawn, not be the record itself, and not be
    built (directly or not) on the record, which would make a cycle.
    """
    ids: list[int] = []
    for raw in source_ids:
        try:
            sid = int(raw)
        except (TypeError, ValueError) as err:
            raise ValidationError(f"'{raw}' is not a record number.") from err
        if sid not in ids:
            ids.append(sid)
    if len(ids) > MAX_SOURCES:
        raise ValidationError(f"A record can cite at most {MAX_SOURCES} sources.")
    if record_id is not None and record_id in ids:
        raise ValidationError("A record cannot cite itself.")
    records = _records(session, ids)
    for sid in ids:
        source = records.get(sid)
        if source is None:
            raise ValidationError(f"Record #{sid} does not exist.")
        if source.withdrawn_at is not None:
            raise ValidationError(f"“{source.title}” was withdrawn and cannot be cited.")
    if record_id is not None and ids:
        below = descendant_ids(session, record_id)
        for sid in ids:
            if sid in below:
                raise ValidationError(
                    f"“{records[sid].title}” is built on this record; citing it would make a loop."
                )
    return [records[sid] for sid in ids]


LINEAGE_LOCK = 0x68697472  # PostgreSQL advisory lock key for citation changes ("hitr")


def lock_lineage(session: Session) -> None:
    """Serialise citation changes on existing records until the transaction ends.

    The cycle check reads the graph, then adds an edge: two concurrent changes (A cites B,
    B cites A) would each pass it. SQLite's write transactions are serial already.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(select(func.pg_advisory_xact_lock(LINEAGE_LOCK))).one()


def source_ids(*, session: Session, record_id: int) -> list[int]:
    return [src for _, src in _parents(session, [record_id])]


def recount_remixes(*, session: Session, record_ids: Iterable[int]) -> None:
    for rid in set(record_ids):
        record = session.get(Record, rid)
        if record is None:
            continue
        record.remix_count = session.exec(
            select(func.count()).select_from(RecordSource).where(RecordSource.source_id == rid)
        ).one()
        session.add(record)


# --- the graph picture -------------------------------------------------------------------


@dataclass(frozen=True)
class GraphNode:
    id: int
    title: str
    kind: str
    authors: str
    withdrawn: bool
    generation: int  # < 0 ancestors, 0 the record, > 0 descendants
    x: int
    y: int


@dataclass(frozen=True)
class GraphEdge:
    source_id: int
    record_id: int
    path: str  # SVG path data of the curve
    arrow: str  # SVG path data of its arrowhead


@dataclass
class LineageGraph:
    nodes: list[GraphNode] = field(default_factory=list)
    edges: list[GraphEdge] = field(default_factory=list)
    width: int = 0
    height: int = 0
    more_up: bool = False  # older generations exist beyond what is shown
    more_down: bool = False
    hidden: int = 0  # nodes left out because a generation was too wide


def _names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {i: [] for i in ids}
    if not ids:
        return names
    rows = session.exec(
        select(RecordAuthor.record_id, User.display_name)
        .join(User, col(User.id) == RecordAuthor.user_id)
        .where(col(RecordAuthor.record_id).in_(ids))
        .order_by(col(RecordAuthor.id))
    )
    for rid, name in rows:
        names[rid].append(name)
    return names


def _layers(
    center: int, ups: set[int], downs: set[int], edges: set[tuple[int, int]]
) -> dict[int, int]:
    """Longest-path layering so every edge points from a lower to a higher column."""
    cites: dict[int, set[int]] = {}
    cited_by: dict[int, set[int]] = {}
    for rec, src in edges:
        cites.setdefault(rec, set()).add(src)
        cited_by.setdefault(src, set()).add(rec)
    layer = {center: 0}

    def depth(n: int, toward: dict[int, set[int]], side: set[int], memo: dict[int, int]) -> int:
        """The longest path from `n` to the center, each step one `toward` link through
        records on `n`'s side of the center."""
        if n == center:
            return 0
        if n not in memo:
            steps = [k for k in toward.get(n, ()) if k == center or k in side]
            memo[n] = 1 + max((depth(k, toward, side, memo) for k in steps), default=0)
        return memo[n]

    memo_up: dict[int, int] = {}
    memo_down: dict[int, int] = {}
    for n in ups:  # ancestors: records citing them lead back to the center
        layer[n] = -depth(n, cited_by, ups, memo_up)
    for n in downs:  # descendants: the records they cite lead back to the center
        layer[n] = depth(n, cites, downs, memo_down)
    return layer


def lineage_graph(
    *, session: Session, record_id: int, up: int = 2, down: int = 2, max_per_generation: int = 8
) -> LineageGraph:
    """Ancestors `up` generations and descendants `down` generations, laid out left to right."""
    up, down = max(0, min(up, MAX_DEPTH)), max(0, min(down, MAX_DEPTH))
    center = session.get(Record, record_id)
    if center is None:
        return LineageGraph()
    ancestors = _walk(session, record_id, up=True, depth=up, cap=500)
    descendants = _walk(session, record_id, up=False, depth=down, cap=500)
    graph = LineageGraph()
    ids = {record_id, *ancestors, *descendants}
    up_edge = [a for a, d in ancestors.items() if d == up] if up else [record_id]
    down_edge = [a for a, d in descendants.items() if d == down] if down else [record_id]
    graph.more_up = any(src not in ids for _, src in _parents(session, up_edge))
    graph.more_down = any(rec not in ids for rec, _ in _children(session, down_edge))
    edges = {(rec, src) for rec, src in _parents(session, ids) if src in ids}
    layer = _layers(record_id, set(ancestors), set(descendants), edges)
    records = _records(session, ids)
    names = _names(session, list(ids))

    columns: dict[int, list[Record]] = {}
    for rid in ids:
        columns.setdefault(layer[rid], []).append(records[rid])
    shown: set[int] = set()
    for gen, members in columns.items():
        members.sort(key=lambda r: (r.created_at, r.id))
        if len(members) > max_per_generation and gen != 0:
            graph.hidden += len(members) - max_per_generation
            del members[max_per_generation:]
        shown.update(r.id for r in members if r.id is not None)
    lo, hi = min(columns), max(columns)
    tallest = max(len(m) for m in columns.values())
    skips = any(layer[rec] - layer[src] > 1 for rec, src in edges)
    top_pad = PAD + (ARC_ROOM if skips else 0)
    graph.height = top_pad + PAD + tallest * NODE_H + (tallest - 1) * ROW_GAP
    graph.width = PAD * 2 + (hi - lo + 1) * NODE_W + (hi - lo) * COL_GAP
    pos: dict[int, tuple[int, int]] = {}
    for gen in range(lo, hi + 1):
        members = columns.get(gen, [])
        block = len(members) * NODE_H + max(len(members) - 1, 0) * ROW_GAP
        top = top_pad + (graph.height - top_pad - PAD - block) // 2
        x = PAD + (gen - lo) * (NODE_W + COL_GAP)
        for i, member in enumerate(members):
            y = top + i * (NODE_H + ROW_GAP)
            pos[member.id or 0] = (x, y)
            graph.nodes.append(
                GraphNode(
                    id=member.id or 0,
                    title=member.title,
                    kind=member.kind,
                    authors=", ".join(names.get(member.id or 0, [])),
                    withdrawn=member.withdrawn_at is not None,
                    generation=gen,
                    x=x,
                    y=y,
                )
            )
    for rec, src in sorted(edges):
        if rec not in shown or src not in shown:
            continue
        (sx, sy), (tx, ty) = pos[src], pos[rec]
        if layer[rec] - layer[src] > 1:
            # Skips a generation: arc over the nodes in between, into the target's top.
            x1, y1 = sx + NODE_W - 24, sy
            x2, y2 = tx + 24, ty
            lift = min(sy, ty) - (top_pad - 6)
            path = f"M {x1} {y1} C {x1} {y1 - lift - 20}, {x2} {y2 - lift - 20}, {x2} {y2 - 8}"
            arrow = f"M {x2 - 5} {y2 - 9} L {x2} {y2} L {x2 + 5} {y2 - 9} Z"
        else:
            x1, y1 = sx + NODE_W, sy + NODE_H // 2
            x2, y2 = tx, ty + NODE_H // 2
            bend = max((x2 - x1) // 2, 24)
            path = f"M {x1} {y1} C {x1 + bend} {y1}, {x2 - bend} {y2}, {x2 - 8} {y2}"
            arrow = f"M {x2 - 9} {y2 - 5} L {x2} {y2} L {x2 - 9} {y2 + 5} Z"
        graph.edges.append(GraphEdge(source_id=src, record_id=rec, path=path, arrow=arrow))
    return graph


# --- credits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    username: str
    display_name: str
    records: list[tuple[int, str]]  # (record id, title) they made upstream
    distance: int  # generations up from the record (nearest contribution)


def upstream_credits(*, session: Session, record_id: int) -> list[Credit]:
    """Everyone whose work this record was built on, nearest first (withdrawn stubs count)."""
    ancestors = _walk(session, record_id, up=True, depth=10_000, cap=UPSTREAM_CAP)
    if not ancestors:
        return []
    rows = session.exec(
        select(RecordAuthor.record_id, User.username, User.display_name, Record.title)
        .join(User, col(User.id) == RecordAuthor.user_id)
        .join(Record, col(Record.id) == RecordAuthor.record_id)
        .where(col(RecordAuthor.record_id).in_(list(ancestors)))
    )
    people: dict[str, dict] = {}
    for rid, username, name, title in rows:
        entry = people.setdefault(username, {"name": name, "records": [], "distance": 10**9})
        entry["records"].append((rid, title))
        entry["distance"] = min(entry["distance"], ancestors[rid])
    credits = [
        Credit(
            username=u,
            display_name=e["name"],
            records=sorted(e["records"], key=lambda r: (ancestors[r[0]], r[0])),
            distance=e["distance"],
        )
        for u, e in people.items()
    ]
    credits.sort(key=lambda c: (c.distance, c.display_name.lower()))
    return credits
