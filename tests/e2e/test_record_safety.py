"""Record pages keep readers and co-authors safe: a co-author controls only their own
credit, a refused citation keeps what was typed, and a Markdown image from another site
is never fetched by readers' browsers."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from playwright.sync_api import Page, Request, expect
from sqlmodel import select

from hitrec_app.db import session_scope
from hitrec_app.models import Record, RecordAuthor, User
from tests.e2e.helpers import sign_in

TRACKER = "tracker.invalid"


def _submit_text(page: Page, title: str, body: str) -> str:
    page.goto("/records/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label(re.compile(r"^Text \(Markdown")).fill(body)
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def _co_published(live_app, title: str, submitter: str, coauthor: str) -> int:
    """A record as publishing a co-written draft leaves it: submitted by the publishing
    writer, credited to both, the co-author with a share of 1 basis point."""
    with session_scope(write=True, url=live_app.env["HITREC_DATABASE_URL"]) as session:
        users = {
            u.username: u
            for u in session.exec(
                select(User).where(User.username.in_([submitter, coauthor]))  # type: ignore[attr-defined]
            )
        }
        record = Record(
            kind="text",
            title=title,
            body="Two voices, one tide.",
            mime_type="text/markdown",
            submitted_by_id=users[submitter].id,
            description="Co-written live in a hitrec draft.",
        )
        session.add(record)
        session.flush()
        session.add(RecordAuthor(record_id=record.id, user_id=users[submitter].id, share_bps=9999))
        session.add(RecordAuthor(record_id=record.id, user_id=users[coauthor].id, share_bps=1))
        session.flush()
        return record.id or 0


def _ready(page: Page, title: str) -> None:
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Remix this")).to_be_visible()  # state has loaded


def test_a_co_author_can_only_remove_their_credit_and_an_admin_can_withdraw(new_context, live_app):
    title = "Harbour duet"
    rid = _co_published(live_app, title, "priya", "tomas")
    url = f"/records/{rid}"

    # The co-author: no editing, no withdrawing; only "Remove my credit".
    tomas = new_context().new_page()
    sign_in(tomas, "tomas")
    tomas.goto(url)
    _ready(tomas, title)
    expect(tomas.get_by_role("button", name="Remove my credit")).to_be_visible()
    expect(tomas.get_by_role("heading", name="Your record")).to_have_count(0)
    expect(tomas.get_by_role("button", name="Edit title, description and tags")).to_have_count(0)
    expect(tomas.get_by_role("button", name="Withdraw record")).to_have_count(0)
    expect(tomas.get_by_role("button", name="Add citation")).to_have_count(0)

    # The submitter: the edit panel, and no "Remove my credit".
    priya = new_context().new_page()
    sign_in(priya, "priya")
    priya.goto(url)
    _ready(priya, title)
    expect(priya.get_by_role("button", name="Edit title, description and tags")).to_be_visible()
    expect(priya.get_by_role("button", name="Withdraw record")).to_be_visible()
    expect(priya.get_by_role("button", name="Remove my credit")).to_have_count(0)
    expect(priya.get_by_role("link", name="Tomás Herrera", exact=True)).to_be_visible()

    # The co-author takes their name off; the record stays.
    tomas.get_by_role("button", name="Remove my credit").click()
    tomas.get_by_role("button", name="Remove", exact=True).click()
    expect(tomas.get_by_text("Your credit was removed from this record.")).to_be_visible()
    expect(tomas.get_by_role("button", name="Remove my credit")).to_have_count(0)
    priya.reload()
    _ready(priya, title)
    expect(priya.get_by_role("link", name="Priya Raman", exact=True)).to_be_visible()
    expect(priya.get_by_role("link", name="Tomás Herrera", exact=True)).to_have_count(0)

    # An admin moderates: may withdraw, may not edit.
    maya = new_context().new_page()
    sign_in(maya, "maya")
    maya.goto(url)
    _ready(maya, title)
    expect(maya.get_by_role("heading", name="Moderation")).to_be_visible()
    expect(maya.get_by_role("button", name="Edit title, description and tags")).to_have_count(0)
    maya.get_by_role("button", name="Withdraw record").click()
    maya.get_by_role("button", name="Withdraw", exact=True).click()
    expect(maya).not_to_have_url(re.compile(rf"/records/{rid}$"))
    maya.goto(url)
    expect(maya.get_by_role("heading", name="No such record")).to_be_visible()


def test_a_refused_citation_keeps_what_was_typed(new_context):
    priya = new_context().new_page()
    sign_in(priya, "priya")
    source_id = _submit_text(priya, "Lantern log", "The lamp was lit at nine.")
    _submit_text(priya, "Lantern song", "Nine o'clock, the lamp.")
    field = priya.get_by_label("Cite another record (number or link)")

    field.fill("999999")
    priya.get_by_role("button", name="Add citation").click()
    expect(priya.get_by_role("alert")).to_contain_text("does not exist")
    expect(field).to_have_value("999999")  # still there to be corrected

    field.fill("lantern")
    priya.get_by_role("button", name="Add citation").click()
    expect(priya.get_by_role("alert")).to_contain_text("Enter the number (or link)")
    expect(field).to_have_value("lantern")

    # Accepted: the citation is in and the field is cleared for the next one.
    field.fill(source_id)
    priya.get_by_role("button", name="Add citation").click()
    expect(priya.get_by_text("Citation added.")).to_be_visible()
    expect(field).to_have_value("")


def test_markdown_images_from_other_sites_are_not_fetched(new_context):
    requested: list[str] = []

    def watch(request: Request) -> None:
        requested.append(request.url)

    body = (
        "Look:\n\n"
        f"![tracker pixel](http://{TRACKER}/x.png)\n\n"
        f"![](https://{TRACKER}/y.png)\n\n"
        f"![sneaky](//{TRACKER}/z.png)\n\n"
        # The browser would read "/\\host" as "//host"; Markdown percent-encodes the
        # backslash, which leaves a path on this site.
        f"![slashed](/\\{TRACKER}/w.png)\n\n"
        "![our logo](/_upload/pixel-test.png)\n\n"
        "The end."
    )
    priya_ctx = new_context()
    priya_ctx.on("request", watch)
    priya = priya_ctx.new_page()
    sign_in(priya, "priya")
    _submit_text(priya, "Pixel test", body)
    url = priya.url

    reader_ctx = new_context()
    reader_ctx.on("request", watch)
    reader = reader_ctx.new_page()
    reader.goto(url)
    for page in (priya, reader):
        text = page.locator(".record-body")
        expect(text).to_contain_text("The end.")
        expect(text).to_contain_text("[external image not shown: tracker pixel]")
        expect(text).to_contain_text("[external image not shown: sneaky]")
        expect(text).to_contain_text("[external image not shown]")
        expect(text.get_by_role("img", name="our logo")).to_have_attribute(
            "src", "/_upload/pixel-test.png"
        )
        # Every <img> left points at this site; none of the others became a link either.
        hosts = text.locator("img").evaluate_all(
            "imgs => imgs.map(i => new URL(i.getAttribute('src'), location.href).host)"
        )
        assert hosts and set(hosts) == {urlparse(page.url).netloc}, hosts
        expect(text.get_by_role("link")).to_have_count(0)
    reader.wait_for_timeout(500)
    assert not [u for u in requested if urlparse(u).hostname == TRACKER], requested
    assert any(u.endswith("/_upload/pixel-test.png") for u in requested)  # the watch works
