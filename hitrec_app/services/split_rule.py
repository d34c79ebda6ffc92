"""The suggested split of a production's pool, from evidence, by one deterministic rule.

Evidence: the included contributions and their role weights, each record's authorship
(co-edited drafts' stored shares, otherwise equal among co-authors), and remix lineage
(a capped, decaying share of a record's portion flows to the records it cites). The rule is
written out for people in docs/pay-proposals.md ("How a split is suggested"); a test checks
that page's worked example against this code. Pure Python on Fractions: the caller loads
the records, this module only computes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from hitrec_app.services.pay_math import MoneyError, normalise_to_bps

CONTRIBUTION: Final = "contribution"  # EvidenceItem.kind: the user's part of an included record
UPSTREAM: Final = "upstream"  # EvidenceItem.kind: the user's part of a record cited upstream
# The walk follows every path of the lineage (that is what makes the cycle guard per path),
# so its cost grows as (records cited per record) ** depth: the depth is bounded.
MAX_SPLIT_DEPTH: Final = 6


class SplitError(MoneyError):
    """Evidence the rule cannot split by (a ValueError and a ValidationError)."""


def _fraction(value: object, what: str) -> Fraction:
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    raise TypeError(f"{what} must be an int or a Fraction, not {type(value).__name__}")


@dataclass(frozen=True)
class SplitRule:
    # The capped share of a record's portion that flows to the records it cites (generation 1).
    upstream_fraction: Fraction = Fraction(1, 5)
    decay: Fraction = Fraction(1, 2)  # generation g gets upstream_fraction * decay**(g-1)
    max_depth: int = 3  # generations followed

    def __post_init__(self) -> None:
        for name in ("upstream_fraction", "decay"):
            value = _fraction(getattr(self, name), f"SplitRule.{name}")
            if not 0 <= value <= 1:
                raise SplitError(f"SplitRule.{name} must be between 0 and 1, not {value}.")
            object.__setattr__(self, name, value)
        if isinstance(self.max_depth, bool) or not isinstance(self.max_depth, int):
            raise TypeError("SplitRule.max_depth must be an int")
        if not 0 <= self.max_depth <= MAX_SPLIT_DEPTH:
            raise SplitError(
                f"SplitRule.max_depth must be between 0 and {MAX_SPLIT_DEPTH}, not {self.max_depth}."
            )

    def fraction_into(self, generation: int) -> Fraction:
        """f_g: the fraction of what a record holds that it passes on into generation g >= 1."""
        return self.upstream_fraction * self.decay ** (generation - 1)


@dataclass(frozen=True)
class ContributionInput:
    record_id: int
    title: str
    role: str  # e.g. "story", "illustration", free text allowed
    weight: int  # role weight, integer >= 0 (100 = a standard contribution)
    authors: Mapping[int, Fraction]  # user_id -> authorship fraction of this record, sums to 1


@dataclass(frozen=True)
class SourceRecord:
    """A record reachable along remix lineage; `cites` are the records it remixes. A
    contribution's own citations are read from its SourceRecord (same record_id)."""

    record_id: int
    title: str
    authors: Mapping[int, Fraction]
    cites: tuple[int, ...]


@dataclass(frozen=True)
class EvidenceItem:
    kind: str  # CONTRIBUTION | UPSTREAM
    record_id: int
    record_title: str
    role: str  # the contribution's role ("" for upstream)
    weight: int  # the contribution's role weight (0 for upstream)
    authorship: Fraction  # this user's authorship fraction of record_id
    via_record_id: int | None  # upstream: the contribution record whose lineage led here
    generation: int  # 0 for contribution, 1.. for upstream
    share: Fraction  # exact fraction of the whole pool this item gives this user
    via_record_title: str = ""  # upstream: the title of via_record_id


@dataclass(frozen=True)
class SuggestedLine:
    user_id: int
    share_bps: int
    exact_share: Fraction
    evidence: tuple[EvidenceItem, ...]  # contributions first, then upstream by generation


@dataclass(frozen=True)
class SuggestedSplit:
    lines: tuple[SuggestedLine, ...]  # share_bps desc, then user_id asc; bps sum to 10,000
    rule: SplitRule


def _check_authors(authors: Mapping[int, Fraction], what: str) -> dict[int, Fraction]:
    if not authors:
        raise SplitError(f"{what} has no authors.")
    checked: dict[int, Fraction] = {}
    for user_id, part in authors.items():
        if isinstance(user_id, bool) or not isinstance(user_id, int):
            raise TypeError(f"{what}: an author id must be an int")
        checked[user_id] = _fraction(part, f"{what}: the authorship of user {user_id}")
        if checked[user_id] < 0:
            raise SplitError(f"{what}: the authorship of user {user_id} is negative.")
    added = sum(checked.values(), Fraction(0))
    if added != 1:
        raise SplitError(f"{what}: the authorship adds up to {added}, not 1 (100%).")
    return checked


@dataclass(frozen=True)
class _Record:
    title: str
    authors: dict[int, Fraction]
    cites: tuple[int, ...]


def _records(
    contributions: Sequence[ContributionInput], sources: Mapping[int, SourceRecord]
) -> dict[int, _Record]:
    """Every record the rule may reach, checked. A contribution's title and authors win over
    its SourceRecord's (they are the evidence the proposal shows); its cites come from there."""
    records: dict[int, _Record] = {}
    for key, source in sources.items():
        what = f"Record {source.record_id} ({source.title!r})"
        if key != source.record_id:
            raise SplitError(f"{what} is filed under record id {key}.")
        records[key] = _Record(
            title=source.title,
            authors=_check_authors(source.authors, what),
            cites=tuple(source.cites),
        )
    seen: set[int] = set()
    for item in contributions:
        what = f"Record {item.record_id} ({item.title!r})"
        if item.record_id in seen:
            raise SplitError(f"{what} is included twice; include each record once.")
        seen.add(item.record_id)
        if isinstance(item.weight, bool) or not isinstance(item.weight, int):
            raise TypeError(f"{what}: the weight must be an int")
        if item.weight < 0:
            raise SplitError(f"{what}: the weight must be zero or more, not {item.weight}.")
        cites = records[item.record_id].cites if item.record_id in records else ()
        records[item.record_id] = _Record(
            title=item.title, authors=_check_authors(item.authors, what), cites=cites
        )
    return records


def _walk(
    record_id: int,
    amount: Fraction,
    generation: int,
    path: frozenset[int],
    records: Mapping[int, _Record],
    known: frozenset[int],
    rule: SplitRule,
    kept: dict[tuple[int, int], Fraction],
) -> None:
    """Spread `amount` held by `record_id` at `generation`: keep a part, pass the rest on
    equally to the cited records that are known and not already on this path."""
    cited: tuple[int, ...] = ()
    if generation < rule.max_depth and amount > 0:
        cited = tuple(
            dict.fromkeys(c for c in records[record_id].cites if c in known and c not in path)
        )
    passing = rule.fraction_into(generation + 1) if cited else Fraction(0)
    if passing == 0:
        kept[(record_id, generation)] += amount
        return
    kept[(record_id, generation)] += amount * (1 - passing)
    each = amount * passing / len(cited)
    for source_id in cited:
        _walk(source_id, each, generation + 1, path | {source_id}, records, known, rule, kept)


def suggest_split(
    contributions: Sequence[ContributionInput],
    sources: Mapping[int, SourceRecord],
    rule: SplitRule = SplitRule(),
) -> SuggestedSplit:
    """The split the evidence suggests (docs/pay-proposals.md, "How a split is suggested").

    Each contribution's portion is weight / total weight. A record holding p at generation
    g < rule.max_depth that cites k >= 1 known records (in `sources`, not already on the
    path from the contribution) keeps p * (1 - f) and passes p * f / k to each of them at
    generation g + 1, with f = rule.fraction_into(g + 1); otherwise it keeps all of p. What
    a record keeps goes to its authors by authorship. A user's share is the sum of their
    parts, in basis points by normalise_to_bps. The result does not depend on the order of
    `contributions` or `sources`.
    """
    if not contributions:
        raise SplitError("There are no contributions to split the pool across; include a record.")
    records = _records(contributions, sources)
    total_weight = sum(item.weight for item in contributions)
    if total_weight == 0:
        raise SplitError(
            "Every contribution has weight 0, so there is nothing to split by; "
            "give at least one a weight above 0."
        )
    known = frozenset(sources)
    # (user, kind, record, via, generation) -> exact share of the pool
    parts: dict[tuple[int, str, int, int | None, int], Fraction] = defaultdict(Fraction)
    by_record = {item.record_id: item for item in contributions}
    for item in sorted(contributions, key=lambda c: c.record_id):
        kept: dict[tuple[int, int], Fraction] = defaultdict(Fraction)
        portion = Fraction(item.weight, total_weight)
        _walk(item.record_id, portion, 0, frozenset({item.record_id}), records, known, rule, kept)
        for (record_id, generation), amount in kept.items():
            kind, via = (CONTRIBUTION, None) if generation == 0 else (UPSTREAM, item.record_id)
            for user_id, authorship in records[record_id].authors.items():
                share = amount * authorship
                # A zero part of an included record is still shown (it explains a 0 line);
                # upstream, only what someone receives.
                if share > 0 or kind == CONTRIBUTION:
                    parts[(user_id, kind, record_id, via, generation)] += share

    evidence: dict[int, list[EvidenceItem]] = defaultdict(list)
    for (user_id, kind, record_id, via, generation), share in parts.items():
        source = by_record[record_id] if kind == CONTRIBUTION else None
        evidence[user_id].append(
            EvidenceItem(
                kind=kind,
                record_id=record_id,
                record_title=records[record_id].title,
                role=source.role if source else "",
                weight=source.weight if source else 0,
                authorship=records[record_id].authors[user_id],
                via_record_id=via,
                generation=generation,
                share=share,
                via_record_title=records[via].title if via is not None else "",
            )
        )
    exact = {
        user_id: sum((i.share for i in items), Fraction(0)) for user_id, items in evidence.items()
    }
    bps = normalise_to_bps(exact)
    lines = [
        SuggestedLine(
            user_id=user_id,
            share_bps=bps[user_id],
            exact_share=exact[user_id],
            evidence=tuple(
                sorted(
                    items,
                    key=lambda i: (i.generation, -i.share, i.record_id, i.via_record_id or 0),
                )
            ),
        )
        for user_id, items in evidence.items()
    ]
    lines.sort(key=lambda line: (-line.share_bps, line.user_id))
    return SuggestedSplit(lines=tuple(lines), rule=rule)


def _percent(part: Fraction) -> str:
    """A fraction as a percentage to one decimal at most: 3/5 -> "60%", 1/3 -> "33.3%"."""
    tenths = round(part * 1000)
    whole, tenth = divmod(tenths, 10)
    return f"{whole}%" if tenth == 0 else f"{whole}.{tenth}%"


def describe_evidence(item: EvidenceItem) -> str:
    """One line for people: "story 'The lighthouse' · 60% authorship", or
    "upstream from 'Harbour sketch' via 'Lighthouse at dusk' (generation 1)"."""
    if item.kind == CONTRIBUTION:
        return f"{item.role or 'contribution'} '{item.record_title}' · {_percent(item.authorship)} authorship"
    via = item.via_record_title or f"record {item.via_record_id}"
    text = f"upstream from '{item.record_title}' via '{via}' (generation {item.generation})"
    if item.authorship != 1:
        text += f" · {_percent(item.authorship)} authorship"
    return text
