"""Exports through the standard csv and json modules: a final proposal's split sheet (CSV and
JSON, with its version and a SHA-256 hash of its lines) and the ledger (CSV).

The hash is over a canonical form of what was agreed, never over names (people rename
themselves): `{"currency", "lines": [[user_id, share_bps, amount_minor], ...] by user id,
"pool_minor", "proposal_id", "version"}` as compact JSON with sorted keys. Anyone can recompute
it from the JSON export's `canonical` to check a sheet has not been altered.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from hitrec_app.models import User
from hitrec_app.services import ledger
from hitrec_app.services.errors import PermissionDenied, ValidationError
from hitrec_app.services.pay_math import format_bps, format_minor
from hitrec_app.services.proposal_views import visible_proposal
from hitrec_app.services.proposals import lines_of, may_run, production_of, version_of
from hitrec_app.vocabulary import MAX_ID


@dataclass(frozen=True)
class SheetLine:
    user_id: int
    username: str
    display_name: str
    share_bps: int
    amount_minor: int


@dataclass(frozen=True)
class SplitSheet:
    proposal_id: int
    title: str
    production_title: str
    state: str
    version: int
    currency: str
    pool_minor: int
    lines: list[SheetLine]  # by user id
    canonical: str  # what the hash is over
    lines_sha256: str


def canonical_lines(
    *, proposal_id: int, version: int, currency: str, pool_minor: int, lines: list[SheetLine]
) -> str:
    return json.dumps(
        {
            "proposal_id": proposal_id,
            "version": version,
            "currency": currency,
            "pool_minor": pool_minor,
            "lines": [
                [line.user_id, line.share_bps, line.amount_minor]
                for line in sorted(lines, key=lambda line: line.user_id)
            ],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def split_sheet(*, session: Session, proposal_id: int, viewer_id: int | None) -> SplitSheet:
    """The final split of a proposal (final or paid), as agreed."""
    proposal, production, _ = visible_proposal(session, proposal_id, viewer_id)
    if proposal.state not in ("final", "paid"):
        raise ValidationError("The split sheet exists once the proposal is final.")
    version = version_of(session, proposal.id or 0, proposal.current_version)
    found = lines_of(session, version.id or 0)
    users = {
        u.id: u
        for u in session.exec(select(User).where(col(User.id).in_([x.user_id for x in found])))
    }
    lines = sorted(
        (
            SheetLine(
                user_id=line.user_id,
                username=users[line.user_id].username,
                display_name=users[line.user_id].display_name,
                share_bps=line.share_bps,
                amount_minor=line.amount_minor,
            )
            for line in found
        ),
        key=lambda line: line.user_id,
    )
    canonical = canonical_lines(
        proposal_id=proposal.id or 0,
        version=version.number,
        currency=production.currency,
        pool_minor=version.pool_minor,
        lines=lines,
    )
    return SplitSheet(
        proposal_id=proposal.id or 0,
        title=proposal.title,
        production_title=production.title,
        state=proposal.state,
        version=version.number,
        currency=production.currency,
        pool_minor=version.pool_minor,
        lines=lines,
        canonical=canonical,
        lines_sha256=hashlib.sha256(canonical.encode()).hexdigest(),
    )


def _cell(text: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) is quoted as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


SHEET_COLUMNS = (
    "proposal_id",
    "proposal",
    "production",
    "version",
    "user_id",
    "username",
    "display_name",
    "share_bps",
    "share",
    "amount_minor",
    "amount",
    "currency",
    "lines_sha256",
)


def split_sheet_csv(*, session: Session, proposal_id: int, viewer_id: int | None) -> str:
    sheet = split_sheet(session=session, proposal_id=proposal_id, viewer_id=viewer_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SHEET_COLUMNS)
    for line in sheet.lines:
        writer.writerow(
            [
                sheet.proposal_id,
                _cell(sheet.title),
                _cell(sheet.production_title),
                sheet.version,
                line.user_id,
                line.username,
                _cell(line.display_name),
                line.share_bps,
                format_bps(line.share_bps),
                line.amount_minor,
                format_minor(line.amount_minor, sheet.currency),
                sheet.currency,
                sheet.lines_sha256,
            ]
        )
    return out.getvalue()


def split_sheet_json(*, session: Session, proposal_id: int, viewer_id: int | None) -> str:
    sheet = split_sheet(session=session, proposal_id=proposal_id, viewer_id=viewer_id)
    return json.dumps(
        {
            "proposal_id": sheet.proposal_id,
            "proposal": sheet.title,
            "production": sheet.production_title,
            "state": sheet.state,
            "version": sheet.version,
            "currency": sheet.currency,
            "pool_minor": sheet.pool_minor,
            "lines": [
                {
                    "user_id": line.user_id,
                    "username": line.username,
                    "display_name": line.display_name,
                    "share_bps": line.share_bps,
                    "amount_minor": line.amount_minor,
                }
                for line in sheet.lines
            ],
            "canonical": sheet.canonical,
            "lines_sha256": sheet.lines_sha256,
        },
        indent=2,
        ensure_ascii=False,
    )


LEDGER_COLUMNS = (
    "id",
    "txn",
    "created_at",
    "production_id",
    "proposal_id",
    "user_id",
    "username",
    "account",
    "amount_minor",
    "currency",
    "memo",
    "reference",
)


def ledger_csv(
    *,
    session: Session,
    viewer_id: int,
    production_id: int | None = None,
    user_id: int | None = None,
) -> str:
    """Ledger rows as CSV: a production's (its host or an admin), or one contributor's (they
    themselves or an admin), or everything (an admin)."""
    viewer = session.get(User, viewer_id) if 0 < viewer_id <= MAX_ID else None
    if viewer is None:
        raise PermissionDenied("Please sign in first.")
    if viewer.role != "admin":
        if production_id is not None:
            if not may_run(viewer, production_of(session, production_id)):
                raise PermissionDenied(
                    "Only the production's host or an admin can export its ledger."
                )
        elif user_id != viewer.id:
            raise PermissionDenied("You can export your own ledger rows only.")
    rows = ledger.ledger_rows(session=session, production_id=production_id, user_id=user_id)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(LEDGER_COLUMNS)
    for r in rows:
        writer.writerow(
            [
                r.id,
                r.txn,
                r.created_at.isoformat(),
                r.production_id,
                r.proposal_id if r.proposal_id is not None else "",
                r.user_id if r.user_id is not None else "",
                r.username,
                r.account,
                r.amount_minor,
                r.currency,
                _cell(r.memo),
                _cell(r.reference),
            ]
        )
    return out.getvalue()
