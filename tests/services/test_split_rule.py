"""The suggested split from evidence: the documented rule, its worked example, its guards."""

from __future__ import annotations

import random
import re
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hitrec_app.services.pay_math import (
    BPS_TOTAL,
    amounts_from_shares,
    apply_minimum,
    format_minor,
    parse_minor,
)
from hitrec_app.services.split_rule import (
    CONTRIBUTION,
    UPSTREAM,
    ContributionInput,
    EvidenceItem,
    SourceRecord,
    SplitRule,
    SuggestedSplit,
    describe_evidence,
    suggest_split,
)
from hitrec_app.settings import PROJECT_ROOT

ANA, BEN, CLEO, DAN, EVE = 1, 2, 3, 4, 5
ONE = Fraction(1)


def contribution(record_id, authors, *, weight=100, role="story", title=None):
    return ContributionInput(
        record_id=record_id,
        title=title or f"Record {record_id}",
        role=role,
        weight=weight,
        authors=authors,
    )


def source(record_id, authors, cites=(), title=None):
    return SourceRecord(
        record_id=record_id, title=title or f"Record {record_id}", authors=authors, cites=cites
    )


def shares(split: SuggestedSplit) -> dict[int, Fraction]:
    return {line.user_id: line.exact_share for line in split.lines}


def bps(split: SuggestedSplit) -> dict[int, int]:
    return {line.user_id: line.share_bps for line in split.lines}


def line_of(split: SuggestedSplit, user_id: int):
    return next(line for line in split.lines if line.user_id == user_id)


# --- the worked example of docs/pay-proposals.md ----------------------------------------------


def lighthouse() -> tuple[list[ContributionInput], dict[int, SourceRecord]]:
    contributions = [
        contribution(10, {ANA: Fraction(3, 5), BEN: Fraction(2, 5)}, title="The lighthouse"),
        contribution(11, {CLEO: ONE}, role="illustration", title="Lighthouse at dusk"),
        contribution(12, {BEN: ONE}, role="score", title="Foghorn theme"),
    ]
    sources = {
        11: source(11, {CLEO: ONE}, (20,), "Lighthouse at dusk"),
        20: source(20, {DAN: ONE}, (21,), "Harbour sketch"),
        21: source(21, {EVE: ONE}, (), "Old harbour photo"),
    }
    return contributions, sources


def documented_example() -> list[dict[str, str]]:
    """The rows of the worked example's table in docs/pay-proposals.md."""
    doc = (PROJECT_ROOT / "docs" / "pay-proposals.md").read_text()
    section = doc.split("### Worked example", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in rows[0].strip("|").split("|")]
    return [
        dict(zip(header, (cell.strip() for cell in row.strip("|").split("|")), strict=True))
        for row in rows[2:]
    ]


def test_the_documented_worked_example_is_what_the_code_computes():
    rows = documented_example()
    assert len(rows) == 5
    split = suggest_split(*lighthouse())
    pool = parse_minor("1,234.56", "USD")
    amounts = amounts_from_shares(pool, bps(split))
    plan = apply_minimum(amounts, {}, parse_minor("10.00", "USD"))
    # The table lists the lines in the split's order.
    assert [int(row["User id"]) for row in rows] == [line.user_id for line in split.lines]
    for row, line in zip(rows, split.lines, strict=True):
        user = line.user_id
        assert Fraction(row["Exact share"]) == line.exact_share
        assert int(row["Share (bp)"]) == line.share_bps
        assert format_minor(amounts[user], "USD") == f"{row['Amount (USD)']} USD"
        assert format_minor(plan.paid[user], "USD") == f"{row['Paid now (USD)']} USD"
        assert format_minor(plan.carried[user], "USD") == f"{row['Carried (USD)']} USD"
    assert sum(amounts.values()) == pool


def test_the_worked_example_evidence_and_its_tie_break():
    split = suggest_split(*lighthouse())
    # 4,666.67 / 2,666.67 / 66.67 bp have equal remainders: the larger shares get the units.
    assert bps(split) == {BEN: 4667, CLEO: 2667, ANA: 2000, DAN: 600, EVE: 66}
    assert [describe_evidence(item) for item in line_of(split, BEN).evidence] == [
        "score 'Foghorn theme' · 100% authorship",
        "story 'The lighthouse' · 40% authorship",
    ]
    assert [describe_evidence(item) for item in line_of(split, EVE).evidence] == [
        "upstream from 'Old harbour photo' via 'Lighthouse at dusk' (generation 2)"
    ]
    (dan,) = line_of(split, DAN).evidence
    assert dan == EvidenceItem(
        kind=UPSTREAM,
        record_id=20,
        record_title="Harbour sketch",
        role="",
        weight=0,
        authorship=ONE,
        via_record_id=11,
        generation=1,
        share=Fraction(3, 50),
        via_record_title="Lighthouse at dusk",
    )
    (ana,) = line_of(split, ANA).evidence
    assert (ana.kind, ana.role, ana.weight, ana.authorship, ana.via_record_id, ana.generation) == (
        CONTRIBUTION,
        "story",
        100,
        Fraction(3, 5),
        None,
        0,
    )


# --- the rule ---------------------------------------------------------------------------------


def test_upstream_decays_over_three_generations_and_stops_at_the_depth():
    # 1 -> 2 -> 3 -> 4 -> 5: record 5 is a fourth generation, past the default depth of 3.
    contributions = [contribution(1, {ANA: ONE})]
    sources = {
        1: source(1, {ANA: ONE}, (2,)),
        2: source(2, {BEN: ONE}, (3,)),
        3: source(3, {CLEO: ONE}, (4,)),
        4: source(4, {DAN: ONE}, (5,)),
        5: source(5, {EVE: ONE}),
    }
    split = suggest_split(contributions, sources)
    # 20% into generation 1, 10% of that into generation 2, 5% of that into generation 3.
    assert shares(split) == {
        ANA: Fraction(4, 5),
        BEN: Fraction(1, 5) * Fraction(9, 10),
        CLEO: Fraction(1, 5) * Fraction(1, 10) * Fraction(19, 20),
        DAN: Fraction(1, 5) * Fraction(1, 10) * Fraction(1, 20),  # keeps all: at the depth
    }
    assert [item.generation for item in line_of(split, DAN).evidence] == [3]
    assert bps(split) == {ANA: 8000, BEN: 1800, CLEO: 190, DAN: 10}


def test_the_depth_cap_is_the_rule_max_depth():
    contributions = [contribution(1, {ANA: ONE})]
    sources = {
        1: source(1, {ANA: ONE}, (2,)),
        2: source(2, {BEN: ONE}, (3,)),
        3: source(3, {CLEO: ONE}),
    }
    assert shares(suggest_split(contributions, sources, SplitRule(max_depth=1))) == {
        ANA: Fraction(4, 5),
        BEN: Fraction(1, 5),
    }
    assert shares(suggest_split(contributions, sources, SplitRule(max_depth=0))) == {ANA: ONE}
    halves = SplitRule(upstream_fraction=Fraction(1, 2), decay=ONE, max_depth=2)
    assert shares(suggest_split(contributions, sources, halves)) == {
        ANA: Fraction(1, 2),
        BEN: Fraction(1, 4),
        CLEO: Fraction(1, 4),
    }


def test_a_cycle_is_not_followed_twice_and_loses_nothing():
    # 1 cites 2, 2 cites 1 and 3, 3 cites 2 and itself.
    contributions = [contribution(1, {ANA: ONE})]
    sources = {
        1: source(1, {ANA: ONE}, (2,)),
        2: source(2, {BEN: ONE}, (1, 3)),
        3: source(3, {CLEO: ONE}, (2, 3)),
    }
    split = suggest_split(contributions, sources, SplitRule(max_depth=6))
    # Record 2 passes only to 3 (1 is on the path); 3 has nothing left to pass to.
    assert shares(split) == {
        ANA: Fraction(4, 5),
        BEN: Fraction(1, 5) * Fraction(9, 10),
        CLEO: Fraction(1, 5) * Fraction(1, 10),
    }
    assert sum(bps(split).values()) == BPS_TOTAL


def test_upstream_is_shared_equally_among_known_cited_records():
    contributions = [contribution(1, {ANA: ONE})]
    sources = {
        1: source(1, {ANA: ONE}, (2, 3, 999, 2)),  # 999 is unknown; 2 is cited twice
        2: source(2, {BEN: ONE}),
        3: source(3, {CLEO: Fraction(1, 2), DAN: Fraction(1, 2)}),
    }
    assert shares(suggest_split(contributions, sources)) == {
        ANA: Fraction(4, 5),
        BEN: Fraction(1, 10),
        CLEO: Fraction(1, 20),
        DAN: Fraction(1, 20),
    }


def test_weights_set_the_portions_and_a_zero_weight_line_shows_why():
    contributions = [
        contribution(1, {ANA: ONE}, weight=300),
        contribution(2, {BEN: ONE}, weight=100),
        contribution(3, {CLEO: ONE}, weight=0, role="edit"),
    ]
    split = suggest_split(contributions, {})
    assert bps(split) == {ANA: 7500, BEN: 2500, CLEO: 0}
    (item,) = line_of(split, CLEO).evidence
    assert (item.weight, item.share, describe_evidence(item)) == (
        0,
        0,
        "edit 'Record 3' · 100% authorship",
    )


def test_an_included_record_cited_by_another_gets_both_parts():
    contributions = [contribution(1, {ANA: ONE}), contribution(2, {BEN: ONE}, role="score")]
    sources = {1: source(1, {ANA: ONE}, (2,)), 2: source(2, {BEN: ONE})}
    split = suggest_split(contributions, sources)
    assert shares(split) == {ANA: Fraction(2, 5), BEN: Fraction(3, 5)}
    assert [describe_evidence(item) for item in line_of(split, BEN).evidence] == [
        "score 'Record 2' · 100% authorship",
        "upstream from 'Record 2' via 'Record 1' (generation 1)",
    ]


def test_describe_evidence_rounds_authorship_to_a_tenth_of_a_percent():
    contributions = [contribution(1, {ANA: ONE}, title="Song")]
    sources = {
        1: source(1, {ANA: ONE}, (2,), "Song"),
        2: source(2, {BEN: Fraction(1, 3), CLEO: Fraction(2, 3)}, (), "Poem"),
    }
    split = suggest_split(contributions, sources)
    assert describe_evidence(line_of(split, CLEO).evidence[0]) == (
        "upstream from 'Poem' via 'Song' (generation 1) · 66.7% authorship"
    )


@pytest.mark.parametrize(
    ("contributions", "sources", "message"),
    [
        ([], {}, "no contributions to split"),
        ([contribution(1, {ANA: ONE}, weight=0)], {}, "Every contribution has weight 0"),
        ([contribution(1, {ANA: ONE}, weight=-5)], {}, "weight must be zero or more"),
        ([contribution(1, {ANA: Fraction(1, 2)})], {}, r"authorship adds up to 1/2, not 1"),
        ([contribution(1, {})], {}, "has no authors"),
        ([contribution(1, {ANA: Fraction(3, 2), BEN: Fraction(-1, 2)})], {}, "is negative"),
        ([contribution(1, {ANA: ONE}), contribution(1, {BEN: ONE})], {}, "included twice"),
        (
            [contribution(1, {ANA: ONE})],
            {2: source(2, {BEN: Fraction(2, 3)})},
            r"Record 2 .*authorship adds up to 2/3",
        ),
        ([contribution(1, {ANA: ONE})], {3: source(2, {BEN: ONE})}, "filed under record id 3"),
    ],
)
def test_evidence_the_rule_cannot_split_by_is_refused(contributions, sources, message):
    with pytest.raises(ValueError, match=message):
        suggest_split(contributions, sources)


def test_a_rule_out_of_range_is_refused():
    with pytest.raises(ValueError, match="upstream_fraction must be between 0 and 1"):
        SplitRule(upstream_fraction=Fraction(3, 2))
    with pytest.raises(ValueError, match="max_depth must be between 0 and 6"):
        SplitRule(max_depth=7)
    with pytest.raises(TypeError):
        SplitRule(decay=0.5)  # type: ignore[arg-type]


# --- properties over random lineage -----------------------------------------------------------


@st.composite
def evidence(draw: st.DrawFn):
    """Random contributions and a random (possibly cyclic) lineage among records 1..12."""
    record_ids = list(range(1, 13))
    users = st.integers(min_value=1, max_value=8)

    def authors() -> dict[int, Fraction]:
        people = draw(st.lists(users, min_size=1, max_size=3, unique=True))
        raw = [draw(st.integers(1, 10)) for _ in people]
        return {p: Fraction(r, sum(raw)) for p, r in zip(people, raw, strict=True)}

    sources = {
        r: source(r, authors(), tuple(draw(st.lists(st.sampled_from(record_ids), max_size=3))))
        for r in draw(st.lists(st.sampled_from(record_ids), unique=True, max_size=12))
    }
    included = draw(st.lists(st.sampled_from(record_ids), min_size=1, max_size=5, unique=True))
    contributions = [
        contribution(r, sources[r].authors if r in sources else authors(), weight=w)
        for r, w in zip(
            included, draw(st.lists(st.integers(0, 300), min_size=5, max_size=5)), strict=False
        )
    ]
    if all(c.weight == 0 for c in contributions):
        contributions[0] = contribution(contributions[0].record_id, contributions[0].authors)
    rule = SplitRule(
        upstream_fraction=draw(st.fractions(0, 1, max_denominator=10)),
        decay=draw(st.fractions(0, 1, max_denominator=10)),
        max_depth=draw(st.integers(0, 4)),
    )
    return contributions, sources, rule


@settings(max_examples=120, deadline=None)
@given(case=evidence(), seed=st.integers())
def test_a_split_is_whole_exact_and_independent_of_input_order(case, seed):
    contributions, sources, rule = case
    split = suggest_split(contributions, sources, rule)
    assert sum(line.exact_share for line in split.lines) == 1
    assert sum(line.share_bps for line in split.lines) == BPS_TOTAL
    for line in split.lines:
        assert sum(item.share for item in line.evidence) == line.exact_share
        assert abs(line.share_bps - line.exact_share * BPS_TOTAL) < 1
        assert all(0 <= item.generation <= rule.max_depth for item in line.evidence)
    order = [(-line.share_bps, line.user_id) for line in split.lines]
    assert order == sorted(order)

    rng = random.Random(seed)
    reordered = list(contributions)
    rng.shuffle(reordered)
    items = list(sources.items())
    rng.shuffle(items)
    assert suggest_split(reordered, dict(items), rule) == split


def test_the_doc_describes_the_default_rule():
    doc = (PROJECT_ROOT / "docs" / "pay-proposals.md").read_text()
    rule = SplitRule()
    assert (rule.upstream_fraction, rule.decay, rule.max_depth) == (
        Fraction(1, 5),
        Fraction(1, 2),
        3,
    )
    assert re.search(
        r"20% into generation 1, 10% into generation\s+2 and 5% into generation 3", doc
    )
