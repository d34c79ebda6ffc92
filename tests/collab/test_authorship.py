"""Attribution of the surviving text, without websockets: the document, its mirror and storage."""

from __future__ import annotations

import random

from pycrdt import Doc, Text

from hitrec_app.collab import basis_points
from hitrec_app.collab.authorship import points_authors
from hitrec_app.collab.document import DraftDocument
from tests.collab.helpers import byte_index

ALICE, BOB, CAROL = 11, 22, 33


class Replica:
    """A client-side pycrdt replica whose edits are shipped to the server document."""

    def __init__(self, server: DraftDocument, user: int) -> None:
        self.server, self.user = server, user
        self.doc = Doc()
        self.text = Text()
        self.doc["content"] = self.text
        self.doc.apply_update(server.state())

    def pull(self) -> None:
        self.doc.apply_update(self.server.state())

    def insert(self, index: int, value: str) -> None:
        self.pull()
        self.text.insert(byte_index(str(self.text), index), value)
        self._ship()

    def delete(self, index: int, length: int) -> None:
        self.pull()
        s = str(self.text)
        del self.text[byte_index(s, index) : byte_index(s, index + length)]
        self._ship()

    def _ship(self) -> None:
        self.server.apply(self.doc.get_update(self.server.state_vector()), self.user)
        self.doc.apply_update(self.server.state())


def test_inserts_and_deletes_by_several_authors_count_code_points():
    doc = DraftDocument()
    alice, bob = Replica(doc, ALICE), Replica(doc, BOB)
    alice.insert(0, "Grüße aus Köln")  # 14 code points, 17 bytes
    bob.insert(5, " 😀🎉")  # after "Grüße": astral characters, 4 bytes each
    bob.insert(0, "«»")
    alice.delete(0, 1)  # alice deletes one of bob's characters
    bob.delete(3, 2)  # bob deletes "üß" (alice's)
    assert doc.content == "»Gre 😀🎉 aus Köln"
    assert doc.authorship.shares() == {ALICE: 12, BOB: 4}
    assert doc.authorship.runs() == [
        (BOB, "»"),
        (ALICE, "Gre"),
        (BOB, " 😀🎉"),
        (ALICE, " aus Köln"),
    ]
    assert doc.is_consistent()


def test_concurrent_edits_are_credited_to_whoever_made_them():
    doc = DraftDocument()
    base = Replica(doc, ALICE)
    base.insert(0, "one two three")
    a, b = Replica(doc, ALICE), Replica(doc, BOB)  # both start from the same copy
    # Both edit the same stale copy; the server receives both.
    a.text.insert(byte_index(str(a.text), 3), " ąę")
    b.text.insert(byte_index(str(b.text), 7), " 日本")
    sv = doc.state_vector()
    doc.apply(a.doc.get_update(sv), ALICE)
    doc.apply(b.doc.get_update(sv), BOB)
    assert doc.content == "one ąę two 日本 three"
    assert doc.authorship.shares() == {ALICE: 16, BOB: 3}


def test_duplicate_updates_change_nothing_and_produce_nothing():
    doc = DraftDocument()
    replica = Replica(doc, ALICE)
    replica.insert(0, "hello")
    again = doc.apply(replica.doc.get_update(), BOB)
    assert again == []
    assert doc.authorship.shares() == {ALICE: 5}


def test_authorship_survives_a_reload_from_a_snapshot():
    doc = DraftDocument()
    Replica(doc, ALICE).insert(0, "ÀB😀C")
    Replica(doc, BOB).insert(2, "ßé")
    copy = DraftDocument.from_state(doc.state(), doc.authorship.author_runs())
    assert copy.content == doc.content
    assert copy.authorship.runs() == doc.authorship.runs()
    # Editing the reloaded copy keeps counting right.
    Replica(copy, CAROL).delete(1, 3)
    assert copy.content == "À😀C"
    assert copy.authorship.shares() == {ALICE: 3}


def test_replace_text_credits_the_given_authors_not_the_restorer():
    doc = DraftDocument()
    Replica(doc, ALICE).insert(0, "Once upon a time")
    old_text, old_runs = doc.content, doc.authorship.author_runs()
    Replica(doc, BOB).delete(0, 5)
    Replica(doc, BOB).insert(0, "Twice ")
    doc.replace_text(old_text, points_authors(old_runs), CAROL)
    assert doc.content == "Once upon a time"
    assert doc.authorship.shares() == {ALICE: 16}


def test_embeds_are_removed_and_never_credited():
    doc = DraftDocument()
    client = Replica(doc, ALICE)
    client.insert(0, "ab")
    client.text.insert_embed(1, {"image": "x"})
    produced = doc.apply(client.doc.get_update(doc.state_vector()), BOB)
    assert len(produced) == 2  # the client's change and the server's removal
    assert doc.content == "ab"
    assert doc.authorship.shares() == {ALICE: 2}
    assert doc.authorship.embeds == 0
    assert DraftDocument.from_state(doc.state(), doc.authorship.author_runs()).content == "ab"


def test_random_edits_keep_the_mirror_exact():
    rng = random.Random(7)
    alphabet = "abc ÄÖü€😀中\n"
    doc = DraftDocument()
    replicas = [Replica(doc, user) for user in (ALICE, BOB, CAROL)]
    for _ in range(300):
        replica = rng.choice(replicas)
        replica.pull()
        n = len(str(replica.text))
        if n and rng.random() < 0.35:
            start = rng.randrange(n)
            replica.delete(start, rng.randint(1, min(4, n - start)))
        else:
            replica.insert(rng.randint(0, n), "".join(rng.choices(alphabet, k=rng.randint(1, 3))))
        assert doc.is_consistent()
    assert sum(doc.authorship.shares().values()) == len(doc.content)


def test_basis_points_sum_to_ten_thousand_with_a_deterministic_tie_break():
    assert basis_points({1: 1, 2: 1, 3: 1}) == {1: 3334, 2: 3333, 3: 3333}
    assert basis_points({5: 2, 4: 1}) == {4: 3333, 5: 6667}
    assert basis_points({}) == {}
    assert basis_points({1: 0, 2: 7}) == {2: 10_000}
    rng = random.Random(3)
    for _ in range(200):
        counts = {i: rng.randint(0, 1000) for i in range(rng.randint(1, 9))}
        if sum(counts.values()):
            assert sum(basis_points(counts).values()) == 10_000
