"""View rows shared by several pages: small frozen dataclasses a page reads as `row.title`.

A row kind used by one page only lives at the top of that page's state module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PersonRow:
    """Someone credited or listed, linked to their public page."""

    username: str
    name: str


@dataclass(frozen=True)
class RecordLinkRow:
    """A record named in a list (sources, remixes, someone's work), linked to its page."""

    id: int
    title: str
    kind: str
    withdrawn: bool = False


@dataclass(frozen=True)
class EntryRow:
    """A record shown as a card on a board (a challenge's entries, search results)."""

    id: int
    title: str
    kind: str
    author: str
    username: str
    thumb: str  # upload path of its thumbnail, '' for none
    excerpt: str
    hearts: int
    remixes: int
    comments: int
    at: str
