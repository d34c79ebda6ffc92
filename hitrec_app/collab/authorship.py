"""Who wrote each surviving character of a draft.

pycrdt reports text changes as deltas whose `retain`/`delete` counts are UTF-8 *bytes*,
so the mirror is kept per UTF-8 byte: `buf` is the text's UTF-8 and `who` holds, for
each byte, the author of the code point it starts (or CONT for the continuation bytes
of a multi-byte code point). Delta offsets then index both directly, deleting a range
tells exactly whose characters went, and per-author counts are in code points.

An embed (non-text content some client inserted) takes one position in Yrs' offsets
but none in the string; it is mirrored as the byte 0xFF (never valid UTF-8) so offsets
stay right until the server removes it.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, cast

CONT = -1  # a UTF-8 continuation byte: it belongs to the code point before it
EMBED = -2  # a non-text item in the sequence
NOBODY = 0  # text whose author is unknown (kept from before attribution existed)
EMBED_BYTE = 0xFF


@dataclass
class Credits:
    """Transaction origin that credits inserted code points, in document order, to given authors.

    Used by restores, so old text goes back to the people who wrote it; `by` is who asked.
    Anything inserted beyond the listed authors is credited to `by`.
    """

    by: int
    authors: list[int] = field(default_factory=list)
    _next: int = 0

    def take(self, n: int) -> list[int]:
        chunk = self.authors[self._next : self._next + n]
        self._next += n
        return chunk + [self.by] * (n - len(chunk))

    def __hash__(self) -> int:  # pycrdt keys transaction origins by hash
        return id(self)


def author_of(origin: Any) -> int:
    if isinstance(origin, int) and not isinstance(origin, bool):
        return origin
    return NOBODY


class Authorship:
    def __init__(self) -> None:
        self.buf = bytearray()
        self.who = array("q")
        self.counts: Counter[int] = Counter()
        self.embeds = 0
        self._points = 0  # sum of counts, kept as we go (checked on every update)

    # -- building -----------------------------------------------------------------
    @classmethod
    def from_runs(cls, units: list[str | None], runs: Iterable[Iterable[int]]) -> Authorship:
        """Rebuild from the text's units (a str per code point, None per embed) and author runs.

        Units beyond the runs (which only a damaged snapshot would have) belong to NOBODY.
        """
        self = cls()
        k = 0
        spans = [(int(a), int(n)) for a, n in runs]
        if sum(n for _, n in spans) < len(units):
            spans.append((NOBODY, len(units)))
        for author, length in spans:
            chunk = units[k : k + length]
            k += len(chunk)
            if None in chunk:
                for unit in chunk:
                    if unit is None:
                        self._insert_embed(len(self.buf))
                    else:
                        self._insert_text(len(self.buf), unit, [max(author, NOBODY)])
            elif chunk:
                text = "".join(cast("list[str]", chunk))  # no None in it (checked above)
                self._insert_text(len(self.buf), text, [max(author, NOBODY)])
        return self

    # -- applying deltas ----------------------------------------------------------
    def apply_delta(self, delta: list[dict[str, Any]], origin: Any) -> bool:
        """Mirror one Text event. Returns True if an embed arrived (the caller removes it)."""
        pos = 0
        saw_embed = False
        for op in delta:
            if "retain" in op:
                pos += op["retain"]
            elif "delete" in op:
                self._delete(pos, op["delete"])
            elif "insert" in op:
                value = op["insert"]
                if isinstance(value, str):
                    n_points = len(value)
                    if isinstance(origin, Credits):
                        authors = origin.take(n_points)
                    else:
                        authors = [author_of(origin)]
                    pos += self._insert_text(pos, value, authors)
                else:
                    self._insert_embed(pos)
                    pos += 1
                    saw_embed = True
        return saw_embed

    def _insert_text(self, pos: int, value: str, authors: list[int]) -> int:
        data = value.encode("utf-8", "surrogatepass")
        single = len(authors) == 1
        if value.isascii():
            marks = array("q", authors) * len(data) if single else array("q", authors)
        else:
            marks = array("q")
            for i, ch in enumerate(value):
                marks.append(authors[0] if single else authors[i])
                extra = len(ch.encode("utf-8", "surrogatepass")) - 1
                if extra:
                    marks.extend([CONT] * extra)
        self.buf[pos:pos] = data
        self.who[pos:pos] = marks
        if single:
            self.counts[authors[0]] += len(value)
        else:
            self.counts.update(authors)
        self._points += len(value)
        return len(data)

    def _insert_embed(self, pos: int) -> None:
        self.buf[pos:pos] = bytes([EMBED_BYTE])
        self.who[pos:pos] = array("q", [EMBED])
        self.embeds += 1

    def _delete(self, pos: int, n: int) -> None:
        gone = Counter(self.who[pos : pos + n])
        gone.pop(CONT, None)
        self.embeds -= gone.pop(EMBED, 0)
        self.counts.subtract(gone)
        self._points -= sum(gone.values())
        del self.buf[pos : pos + n]
        del self.who[pos : pos + n]

    # -- reading ------------------------------------------------------------------
    @property
    def text(self) -> str:
        if self.embeds:
            return bytes(b for b in self.buf if b != EMBED_BYTE).decode("utf-8", "surrogatepass")
        return self.buf.decode("utf-8", "surrogatepass")

    @property
    def n_points(self) -> int:
        """Code points (embeds excluded)."""
        return self._points

    def shares(self) -> dict[int, int]:
        """Surviving code points per author (authors with none left are omitted)."""
        return {a: n for a, n in sorted(self.counts.items()) if n > 0}

    def embed_offsets(self) -> list[int]:
        return [i for i, w in enumerate(self.who) if w == EMBED]

    def units(self) -> Iterator[tuple[int, str | None]]:
        """(author, code point) per unit; embeds give (EMBED, None)."""
        data, who = self.buf, self.who
        i, n = 0, len(data)
        while i < n:
            author = who[i]
            if author == EMBED:
                yield EMBED, None
                i += 1
                continue
            j = i + 1
            while j < n and who[j] == CONT:
                j += 1
            yield author, data[i:j].decode("utf-8", "surrogatepass")
            i = j

    def runs(self) -> list[tuple[int, str]]:
        """Consecutive text by one author: [(author, text), ...]; embeds skipped."""
        out: list[tuple[int, list[str]]] = []
        for author, ch in self.units():
            if ch is None:
                continue
            if out and out[-1][0] == author:
                out[-1][1].append(ch)
            else:
                out.append((author, [ch]))
        return [(a, "".join(chars)) for a, chars in out]

    def author_runs(self) -> list[list[int]]:
        """[[author, length], ...] over units, embeds included (as EMBED): what snapshots keep."""
        # Runs of equal values over the per-byte marks (iterated in C), skipping the
        # continuation bytes, which belong to the code point before them: this runs on the
        # event loop at every compaction, so no Python-level loop per byte.
        out: list[list[int]] = []
        for author, group in groupby(self.who):
            if author == CONT:
                continue
            n = len(list(group))
            if out and out[-1][0] == author:
                out[-1][1] += n
            else:
                out.append([author, n])
        return out


def _expand(runs: Iterable[tuple[int, int]]) -> Iterator[int]:
    for author, length in runs:
        for _ in range(int(length)):
            yield int(author)


def points_authors(runs: Iterable[tuple[int, int]]) -> list[int]:
    """Per-unit authors from runs, for restoring old text with its original credit."""
    return list(_expand(runs))
