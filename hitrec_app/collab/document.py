"""One draft's shared document: a pycrdt Doc with the Text "content", plus its authorship.

All changes go through here so each one is attributed: remote updates are applied
inside `doc.transaction(origin=user_id)`, and a Text observer credits inserted code
points to that origin. `apply` returns the document updates a change produced (only
what was new: duplicates produce nothing), which is what gets persisted and relayed.
"""

from __future__ import annotations

import asyncio
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Any

from pycrdt import Doc, Text, TextEvent, TransactionEvent

from hitrec_app.collab.authorship import NOBODY, Authorship, Credits

TEXT_NAME = "content"
SERVER = "server"  # origin of the server's own clean-up edits (credited to nobody)
EMPTY_UPDATE = b"\x00\x00"
# Above this many code points on both sides a restore replaces the changed middle in one
# piece instead of running difflib (whose cost grows with the product of the lengths).
_DIFF_LIMIT = 20_000


class CrdtError(Exception):
    """A malformed update or state vector (or a panic inside the Rust core)."""


def _is_control_flow(err: BaseException) -> bool:
    return isinstance(err, KeyboardInterrupt | SystemExit | GeneratorExit | asyncio.CancelledError)


def text_units(text: Text) -> list[str | None]:
    """The text as Yrs counts it: one str per code point, None per embed."""
    units: list[str | None] = []
    for content, _attrs in text.diff():
        if isinstance(content, str):
            units.extend(content)
        else:
            units.append(None)
    return units


class DraftDocument:
    def __init__(self) -> None:
        self.doc: Doc = Doc()
        self.text = Text()
        self.doc[TEXT_NAME] = self.text
        self.authorship = Authorship()
        self._produced: list[bytes] = []
        self._embed_arrived = False
        self._observe()

    def _observe(self) -> None:
        self.text.observe(self._on_text)
        self.doc.observe(self._on_transaction)

    @classmethod
    def from_state(cls, state: bytes, author_runs: list[list[int]] | None) -> DraftDocument:
        """Rebuild from a snapshot: the Yjs state and the authorship runs stored with it."""
        self = cls.__new__(cls)
        self.doc = Doc()
        self.text = Text()
        self.doc[TEXT_NAME] = self.text
        if state:
            self.doc.apply_update(state)
        self.authorship = Authorship.from_runs(text_units(self.text), author_runs or [])
        self._produced = []
        self._embed_arrived = False
        self._observe()
        return self

    # -- observers ----------------------------------------------------------------
    def _on_text(self, event: TextEvent) -> None:
        if self.authorship.apply_delta(event.delta, event.transaction.origin):  # type: ignore[attr-defined]  # pycrdt's TextEvent sets delta via __slots__ only
            self._embed_arrived = True

    def _on_transaction(self, event: TransactionEvent) -> None:
        if event.update != EMPTY_UPDATE:
            self._produced.append(event.update)

    # -- changing -----------------------------------------------------------------
    def apply(self, update: bytes, origin: int | Credits | str) -> list[tuple[bytes, Any]]:
        """Apply a remote update as `origin`; returns the new (update, origin) pairs it produced."""
        self._produced = []
        try:
            with self.doc.transaction(origin=origin):
                self.doc.apply_update(update)
        except BaseException as err:
            if _is_control_flow(err):
                raise
            if self._produced:  # an observer failed after the change was in: stay consistent
                self.resync()
                return [(u, origin) for u in self._produced]
            raise CrdtError(f"Cannot apply update: {err}") from err
        out: list[tuple[bytes, Any]] = [(u, origin) for u in self._produced]
        if self._embed_arrived:
            out.extend(self.remove_embeds())
        return out

    def remove_embeds(self) -> list[tuple[bytes, Any]]:
        """Drafts are plain text: delete anything else a client managed to insert."""
        self._embed_arrived = False
        offsets = self.authorship.embed_offsets()
        if not offsets:
            return []
        self._produced = []
        with self.doc.transaction(origin=SERVER):
            for offset in reversed(offsets):
                del self.text[offset : offset + 1]
        return [(u, SERVER) for u in self._produced]

    def replace_text(self, target: str, authors: list[int], by: int) -> list[tuple[bytes, Any]]:
        """Edit the text into `target` as one change, crediting inserted code points to `authors`.

        `authors[j]` is the author of `target[j]`. Text that is already there but credited to
        someone else is rewritten too, so the result has exactly the given credit.
        """
        self.remove_embeds()
        current = self.authorship.text
        now_by = [a for a, ch in self.authorship.units() if ch is not None]
        ops = _split_by_author(_edit_ops(current, target), now_by, authors)
        credited: list[int] = []
        for tag, _i1, _i2, j1, j2 in ops:
            if tag in ("insert", "replace"):
                credited.extend(authors[j1:j2] if len(authors) >= j2 else [by] * (j2 - j1))
        offsets = [0, *accumulate(len(ch.encode("utf-8", "surrogatepass")) for ch in current)]
        self._produced = []
        with self.doc.transaction(origin=Credits(by=by, authors=credited)):
            for tag, i1, i2, j1, j2 in reversed(ops):
                if tag == "equal":
                    continue
                if i2 > i1:
                    del self.text[offsets[i1] : offsets[i2]]
                if j2 > j1:
                    self.text.insert(offsets[i1], target[j1:j2])
        return [(u, by) for u in self._produced]

    def resync(self) -> None:
        """Rebuild the mirror from the document if it ever disagrees (keeps authors where it can)."""
        units = text_units(self.text)
        old = [(a, ch) for a, ch in self.authorship.units()]
        old_chars = [ch if ch is not None else "\x00" for _, ch in old]
        new_chars = [u if u is not None else "\x00" for u in units]
        authors = [NOBODY] * len(units)
        matcher = SequenceMatcher(None, old_chars, new_chars, autojunk=False)
        for i, j, n in matcher.get_matching_blocks():
            for k in range(n):
                authors[j + k] = max(old[i + k][0], NOBODY)
        runs = [[a, 1] for a in authors]
        self.authorship = Authorship.from_runs(units, runs)

    # -- reading ------------------------------------------------------------------
    @property
    def content(self) -> str:
        return str(self.text)

    @property
    def n_points(self) -> int:
        return self.authorship.n_points

    def state(self) -> bytes:
        return self.doc.get_update()

    def state_vector(self) -> bytes:
        return self.doc.get_state()

    def diff_update(self, state_vector: bytes) -> bytes:
        try:
            return self.doc.get_update(state_vector)
        except BaseException as err:
            if _is_control_flow(err):
                raise
            raise CrdtError(f"Bad state vector: {err}") from err

    def trial(self, update: bytes) -> tuple[int, int, bool]:
        """Apply `update` to a throw-away copy: (code points, encoded bytes, text changed)."""
        copy: Doc = Doc()
        copy_text = Text()
        copy[TEXT_NAME] = copy_text
        copy.apply_update(self.state())
        before = str(copy_text)
        try:
            copy.apply_update(update)
        except BaseException as err:
            if _is_control_flow(err):
                raise
            raise CrdtError(f"Cannot apply update: {err}") from err
        after = str(copy_text)
        return len(after), len(copy.get_update()), after != before

    def is_consistent(self) -> bool:
        return self.authorship.text == self.content


def _edit_ops(current: str, target: str) -> list[tuple[str, int, int, int, int]]:
    """difflib-style opcodes turning `current` into `target`, cheap for big texts."""
    prefix = 0
    limit = min(len(current), len(target))
    while prefix < limit and current[prefix] == target[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < limit - prefix
        and current[len(current) - 1 - suffix] == target[len(target) - 1 - suffix]
    ):
        suffix += 1
    a, b = current[prefix : len(current) - suffix], target[prefix : len(target) - suffix]
    ops: list[tuple[str, int, int, int, int]] = []
    if prefix:
        ops.append(("equal", 0, prefix, 0, prefix))
    if not a or not b or min(len(a), len(b)) > _DIFF_LIMIT:
        if a or b:
            tag = "replace" if a and b else ("delete" if a else "insert")
            ops.append((tag, prefix, prefix + len(a), prefix, prefix + len(b)))
    else:
        for t, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
            ops.append((t, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix))
    if suffix:
        i, j = len(current) - suffix, len(target) - suffix
        ops.append(("equal", i, len(current), j, len(target)))
    return ops


def _split_by_author(
    ops: list[tuple[str, int, int, int, int]], now_by: list[int], want_by: list[int]
) -> list[tuple[str, int, int, int, int]]:
    """Turn the parts of "equal" runs whose author differs from the wanted one into replaces."""
    if len(want_by) < max((j2 for *_, j2 in ops), default=0):
        return ops
    out: list[tuple[str, int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag != "equal":
            out.append((tag, i1, i2, j1, j2))
            continue
        k = 0
        while k < i2 - i1:
            same = now_by[i1 + k] == want_by[j1 + k]
            n = 1
            while k + n < i2 - i1 and (now_by[i1 + k + n] == want_by[j1 + k + n]) == same:
                n += 1
            out.append(("equal" if same else "replace", i1 + k, i1 + k + n, j1 + k, j1 + k + n))
            k += n
    return out
