"""View rows shared by several pages: small frozen dataclasses a page reads as `row.title`.

A row kind used by one page only lives at the top of that page's state module. A service's
read model that holds just what the pages show is the row itself, named here as one; a row
that shows a read model and a little more (a time as text, a colour) extends it:

    @dataclass(frozen=True)
    class NotificationRow(notifications.NotificationView):
        at: str  # created_at as the page shows it

    NotificationRow(**fields_of(n), at=fmt_time(n.created_at))
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from hitrec_app.services import record_views

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

PersonRow = record_views.Person  # someone credited or listed, linked to their public page
RecordLinkRow = (
    record_views.RecordRef
)  # a record named in a list (sources, remixes, someone's work)


@dataclass(frozen=True)
class TitledRow:
    """Something named by its title, with its id: a choice in a select (a challenge, a
    production), a record credited."""

    id: int
    title: str


@dataclass(frozen=True)
class EntryRow(record_views.EntryRow):
    """A record shown as a card on a board (a challenge's entries, search results)."""

    at: str  # created_at as the page shows it


def fields_of(model: DataclassInstance) -> dict[str, Any]:
    """A read model's fields by name, for the row that extends it: `Row(**fields_of(m), ...)`."""
    return {f.name: getattr(model, f.name) for f in fields(model)}
