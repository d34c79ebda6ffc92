"""Reading which root types a Yjs update touches, without applying it (collab/updates.py)."""

from __future__ import annotations

import random

import pytest
from pycrdt import Array, Doc, Map, Text, XmlElement, XmlFragment, XmlText, merge_updates

from hitrec_app.collab.protocol import Malformed
from hitrec_app.collab.updates import root_names


def _updates(doc: Doc) -> list[bytes]:
    out: list[bytes] = []
    doc.observe(lambda event: out.append(event.update))
    return out


def test_text_edits_only_name_the_content_root():
    doc = Doc()
    text = Text()
    doc["content"] = text
    seen = _updates(doc)
    rng = random.Random(7)
    for _ in range(300):
        current = str(text)
        if current and rng.random() < 0.3:
            start = rng.randrange(len(current.encode()))
            start = len(current.encode()[:start].decode("utf-8", "ignore").encode())
            del text[start : min(len(current.encode()), start + 1)]
        else:
            at = len(current.encode()) if rng.random() < 0.5 else 0
            text.insert(at, rng.choice(["a", "é", "日本", "😀", "x" * 300]))
    text.insert(0, "bold", {"bold": True})
    text.format(0, 2, {"italic": {"nested": [1, 2.5, None, True, "s"]}})
    text.insert_embed(1, {"image": "x.png"})
    for update in [*seen, doc.get_update(), merge_updates(*seen)]:
        assert root_names(update) <= {"content"}
    assert root_names(doc.get_update()) == {"content"}


def test_other_root_types_are_reported_whatever_they_hold():
    doc = Doc()
    doc["content"] = Text("fine")
    seen = _updates(doc)
    doc["notes"] = Array([1, -7, 2**40, 1.5, None, True, False, "s", b"\x00\xff", [1, [2]]])
    doc["meta"] = Map({"k": {"nested": {"deep": [1, 2, {"x": None}]}}, "t": Text("inner")})
    doc["shadow"] = Text("x" * 5000)
    fragment = XmlFragment()
    doc["xml"] = fragment
    fragment.children.append(XmlElement("p", {"class": "c"}, [XmlText("hi")]))
    holder = Map()
    doc["docs"] = holder
    holder["sub"] = Doc()
    # Map entries on a root are named "root.key".
    expected = {"notes", "meta.k", "meta.t", "shadow", "xml", "docs.sub"}
    assert set().union(*(root_names(u) for u in seen)) == expected
    assert root_names(doc.get_update()) == {"content", *expected}
    # Keys set directly on the draft's own root are not its text either.
    other = Doc()
    other["content"] = Map({"hidden": "x" * 100})
    assert root_names(other.get_update()) == {"content.hidden"}


def test_unreadable_updates_are_malformed_never_another_error():
    doc = Doc()
    doc["content"] = Text("some text ✓")
    doc["notes"] = Array([1, {"a": [2.5, b"x"]}])
    update = doc.get_update()
    for cut in range(1, len(update) - 2):
        try:
            root_names(update[:cut])
        except Malformed:
            pass
    rng = random.Random(3)
    for _ in range(2000):
        noise = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        try:
            root_names(noise)
        except Malformed:
            pass
    with pytest.raises(Malformed):
        root_names(b"\x01\x01\x05\x00\x1f")  # an item with an unknown content type
