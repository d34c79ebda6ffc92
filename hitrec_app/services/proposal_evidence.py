"""The evidence a production's suggested split is computed from, read from the database.

`split_rule` computes on plain values; this module loads them: each included contribution
with its role, weight and authorship (a co-edited record's stored shares, otherwise an equal
split among its credited authors), and the records reachable from them along remix lineage,
as far as the rule follows it. Each line's evidence is stored with the line as JSON, exact
fractions written "num/den", so a proposal shows the same evidence after the records change.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlmodel import Session, col, select

from hitrec_app.models import ProductionContribution, Record, RecordAuthor, RecordSource
from hitrec_app.services.split_rule import (
    ContributionInput,
    EvidenceItem,
    SourceRecord,
    SplitRule,
    SuggestedSplit,
    describe_evidence,
    suggest_split,
)


def _authorship(rows: list[tuple[int, int | None]], submitter: int) -> dict[int, Fraction]:
    """user -> fraction of the record: the stored shares when every author has one (a
    co-edited draft's surviving text), else equal parts; the submitter alone if nobody is
    credited (a record whose co-authors all removed their credit)."""
    if not rows:
        return {submitter: Fraction(1)}
    stored = [bps for _, bps in rows]
    if all(bps is not None for bps in stored) and sum(b or 0 for b in stored) > 0:
        total = sum(b or 0 for b in stored)
        return {uid: Fraction(bps or 0, total) for uid, bps in rows}
    return {uid: Fraction(1, len(rows)) for uid, _ in rows}


def _authors(session: Session, records: dict[int, Record]) -> dict[int, dict[int, Fraction]]:
    rows: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    if records:
        for rid, uid, bps in session.exec(
            select(RecordAuthor.record_id, RecordAuthor.user_id, RecordAuthor.share_bps)
            .where(col(RecordAuthor.record_id).in_(list(records)))
            .order_by(col(RecordAuthor.user_id))
        ):
            rows[rid].append((uid, bps))
    return {rid: _authorship(rows[rid], rec.submitted_by_id) for rid, rec in records.items()}


def _lineage(
    session: Session, start: set[int], depth: int
) -> tuple[set[int], dict[int, list[int]]]:
    """Records within `depth` generations up from `start` (included), and what each cites."""
    reached = set(start)
    cites: dict[int, list[int]] = defaultdict(list)
    frontier = set(start)
    for _ in range(depth):
        if not frontier:
            break
        edges = session.exec(
            select(RecordSource.record_id, RecordSource.source_id)
            .where(col(RecordSource.record_id).in_(list(frontier)))
            .order_by(col(RecordSource.source_id))
        ).all()
        for rid, sid in edges:
            cites[rid].append(sid)
        frontier = {sid for _, sid in edges} - reached
        reached |= frontier
    return reached, cites


def gather(
    *, session: Session, production_id: int, rule: SplitRule
) -> tuple[list[ContributionInput], dict[int, SourceRecord]]:
    """The production's contributions and the lineage the rule may follow from them."""
    included = session.exec(
        select(ProductionContribution, Record)
        .join(Record, col(Record.id) == ProductionContribution.record_id)
        .where(ProductionContribution.production_id == production_id)
        .order_by(col(ProductionContribution.record_id))
    ).all()
    start = {rec.id for _, rec in included if rec.id is not None}
    reached, cites = _lineage(session, start, rule.max_depth)
    records = {
        r.id: r
        for r in session.exec(select(Record).where(col(Record.id).in_(list(reached))))
        if r.id is not None
    }
    authors = _authors(session, records)
    contributions = [
        ContributionInput(
            record_id=rec.id or 0,
            title=rec.title,
            role=contribution.role,
            weight=contribution.weight,
            authors=authors[rec.id or 0],
        )
        for contribution, rec in included
    ]
    sources = {
        rid: SourceRecord(
            record_id=rid, title=rec.title, authors=authors[rid], cites=tuple(cites.get(rid, ()))
        )
        for rid, rec in records.items()
    }
    return contributions, sources


def suggested_split(
    *, session: Session, production_id: int, rule: SplitRule | None = None
) -> SuggestedSplit:
    """The split the evidence suggests for the production (a SplitError if it has none)."""
    rule = rule or SplitRule()
    contributions, sources = gather(session=session, production_id=production_id, rule=rule)
    return suggest_split(contributions, sources, rule)


def _ratio(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def evidence_json(items: tuple[EvidenceItem, ...] | list[EvidenceItem]) -> str:
    """A line's evidence as stored on it (exact fractions as "num/den")."""
    return json.dumps(
        [
            {
                "kind": item.kind,
                "record_id": item.record_id,
                "record_title": item.record_title,
                "role": item.role,
                "weight": item.weight,
                "authorship": _ratio(item.authorship),
                "via_record_id": item.via_record_id,
                "via_record_title": item.via_record_title,
                "generation": item.generation,
                "share": _ratio(item.share),
                "text": describe_evidence(item),
            }
            for item in items
        ],
        ensure_ascii=False,
    )


@dataclass(frozen=True)
class EvidenceRow:
    """One piece of a line's evidence, as a page shows it."""

    kind: str  # split_rule.CONTRIBUTION or split_rule.UPSTREAM
    record_id: int
    record_title: str
    role: str
    weight: int
    authorship: Fraction
    via_record_id: int | None
    via_record_title: str
    generation: int
    share: Fraction  # of the whole pool
    text: str  # describe_evidence


def parse_evidence(text: str) -> list[EvidenceRow]:
    """A line's stored evidence; [] for a line the host added (no evidence)."""
    try:
        items = json.loads(text or "[]")
    except ValueError:
        return []
    return [
        EvidenceRow(
            kind=str(item["kind"]),
            record_id=int(item["record_id"]),
            record_title=str(item["record_title"]),
            role=str(item.get("role", "")),
            weight=int(item.get("weight", 0)),
            authorship=Fraction(item["authorship"]),
            via_record_id=item.get("via_record_id"),
            via_record_title=str(item.get("via_record_title", "")),
            generation=int(item.get("generation", 0)),
            share=Fraction(item["share"]),
            text=str(item.get("text", "")),
        )
        for item in items
        if isinstance(item, dict)
    ]
