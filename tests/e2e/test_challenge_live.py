"""The challenge page over the broadcast path, several viewers each with their own view: a room
change carries the changed entries once, and each browser applies it to its own sort, filter
and page (new entries on top of "Newest", a banner elsewhere, taken-down ones gone)."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.services import challenges, records
from hitrec_app.services.challenges import ChallengeInput
from hitrec_app.services.records import RecordInput
from hitrec_app.vocabulary import LIVE_ENTRIES, RECORD_PAGE_SIZE
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in

NEW_ENTRIES = "New entries have arrived."


def _challenge(live_app, title: str, entries: list[tuple[str, str]]) -> tuple[int, list[str]]:
    """An open challenge hosted by jules with text entries (title, submitter), oldest first,
    written straight into the live app's database before anyone opens it; its id and the
    entries' URLs."""
    with session_scope(write=True, url=live_app.env["HITREC_DATABASE_URL"]) as session:
        users = {u.username: u.id or 0 for u in session.exec(select(User))}
        challenge = challenges.create_challenge(
            session=session,
            actor_id=users["jules"],
            data=ChallengeInput(title=title, prompt="Record the weather."),
            publish=True,
        )
        urls = []
        for entry_title, by in entries:
            record = records.submit_record(
                session=session,
                user_id=users[by],
                data=RecordInput(
                    kind="text",
                    title=entry_title,
                    body=f"{entry_title}, as it fell.",
                    challenge_id=challenge.id,
                ),
            )
            urls.append(f"/records/{record.id}")
        return challenge.id or 0, urls


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def _cards(page: Page):
    return page.get_by_role("article")


def _card(page: Page, title: str):
    return page.get_by_role("article", name=title, exact=True)


def _open(page: Page, challenge_id: int, title: str) -> None:
    page.goto(f"/challenges/{challenge_id}")
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.evaluate("window.__notReloaded = true")


def _choose(page: Page, control: str, option: str) -> None:
    page.get_by_role("combobox", name=control).click()
    page.get_by_role("option", name=option).click()


def _submit_text(page: Page, challenge_id: int, title: str) -> str:
    page.goto(f"/records/new?challenge={challenge_id}")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label(re.compile(r"^Text \(Markdown")).fill(f"{title}, fresh.")
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    return page.url


def _submit_image(page: Page, challenge_id: int, title: str) -> None:
    page.goto(f"/records/new?challenge={challenge_id}")
    page.get_by_role("radio", name="Image").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "light.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(page.get_by_text("light.png")).to_be_visible()
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def _withdraw(page: Page, url: str, title: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    page.get_by_role("button", name="Withdraw record").click()
    page.get_by_role("button", name="Withdraw", exact=True).click()
    expect(page).not_to_have_url(re.compile(re.escape(url) + "$"))


def _not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__notReloaded") is True


def test_each_viewer_sees_new_and_withdrawn_entries_in_its_own_view(new_context, live_app):
    title = "Rain, live"
    cid, _ = _challenge(live_app, title, [("Drizzle", "priya"), ("Puddles", "ada")])

    # A: the default view (newest first, page 1). B: images only. C: most hearted first.
    newest, images, hearted = (new_context().new_page() for _ in range(3))
    for page in (newest, images, hearted):
        _open(page, cid, title)
        expect(_card(page, "Puddles")).to_be_visible()
    _choose(images, "Kind", "Image")
    expect(images.get_by_text("No entries here yet.")).to_be_visible()
    _choose(hearted, "Sort by", "Most hearted")
    expect(hearted.get_by_text("2 shown by this filter", exact=True)).to_be_visible()

    # A member submits a text entry.
    priya = new_context().new_page()
    sign_in(priya, "priya")
    downpour_url = _submit_text(priya, cid, "Downpour")

    # A: on top, without reloading; the counts follow.
    expect(_cards(newest).first).to_have_accessible_name("Downpour")
    expect(_cards(newest)).to_have_count(3)
    expect(newest.get_by_text("3 entries", exact=True)).to_be_visible()
    expect(newest.get_by_text("3 shown by this filter", exact=True)).to_be_visible()
    expect(newest.get_by_text(NEW_ENTRIES)).to_have_count(0)
    # C: not mixed into its hearts order; offered instead.
    expect(hearted.get_by_text(NEW_ENTRIES)).to_be_visible()
    expect(_card(hearted, "Downpour")).to_have_count(0)
    expect(_cards(hearted)).to_have_count(2)
    expect(hearted.get_by_text("3 shown by this filter", exact=True)).to_be_visible()
    # B: a text entry is not for its image list, and nothing is offered.
    expect(images.get_by_text("3 entries", exact=True)).to_be_visible()
    expect(images.get_by_text("No entries here yet.")).to_be_visible()
    expect(images.get_by_text(NEW_ENTRIES)).to_have_count(0)
    expect(images.get_by_text("0 shown by this filter", exact=True)).to_be_visible()

    # An image entry does show in B's list (and on top of A's).
    _submit_image(priya, cid, "Harbour light")
    expect(_card(images, "Harbour light")).to_be_visible()
    expect(_cards(images)).to_have_count(1)
    expect(_cards(newest).first).to_have_accessible_name("Harbour light")

    # Hearts and comment counts move live on every list that shows the entry.
    ada = new_context().new_page()
    sign_in(ada, "ada")
    ada.goto(downpour_url)
    ada.get_by_role("button", name=re.compile("^Heart")).click()
    expect(ada.get_by_role("button", name=re.compile("^Hearted"))).to_be_visible()
    expect(_card(newest, "Downpour").get_by_label("hearts: 1")).to_be_visible()
    # (Its author comments: a comment by anyone else would leave priya a notification that
    # later tests' counts of her unread notifications do not expect.)
    priya.goto(downpour_url)
    priya.get_by_label("Add a comment").fill("Heavy and warm.")
    priya.get_by_role("button", name="Post comment").click()
    expect(_card(newest, "Downpour").get_by_label("comments: 1")).to_be_visible()

    # C asks for the new entries: its own list, in its own order, reloaded.
    hearted.get_by_role("button", name="Show", exact=True).click()
    expect(_cards(hearted).first).to_have_accessible_name("Downpour")
    expect(_cards(hearted)).to_have_count(4)
    expect(hearted.get_by_text(NEW_ENTRIES)).to_have_count(0)
    screenshot(newest, "challenge-live-newest")

    # The submitter withdraws it: gone from every list, without reloading.
    _withdraw(priya, downpour_url, "Downpour")
    for page in (newest, hearted):
        expect(_card(page, "Downpour")).to_have_count(0)
        expect(_cards(page)).to_have_count(3)
        expect(page.get_by_text("3 entries", exact=True)).to_be_visible()
    expect(_cards(newest).first).to_have_accessible_name("Harbour light")
    screenshot(hearted, "challenge-live-hearted")
    for page in (newest, images, hearted):
        _not_reloaded(page)


def test_an_old_entry_taken_down_stays_gone_and_an_edit_shows_on_a_later_page(
    new_context, live_app
):
    title = "Weather diary"
    assert RECORD_PAGE_SIZE > LIVE_ENTRIES  # so page 2 is beyond the room's window
    count = RECORD_PAGE_SIZE + 2  # page 2 holds the two oldest
    cid, urls = _challenge(live_app, title, [(f"Day {n}", "priya") for n in range(count)])

    viewer = new_context().new_page()
    _open(viewer, cid, title)
    viewer.get_by_role("button", name="Next page").click()
    expect(viewer.get_by_text("Page 2 of 2")).to_be_visible()
    expect(_cards(viewer)).to_have_count(2)
    expect(_cards(viewer).first).to_have_accessible_name("Day 1")

    # Its submitter withdraws the oldest (deleted outright: nothing was built on it) and
    # renames the next.
    priya = new_context().new_page()
    sign_in(priya, "priya")
    _withdraw(priya, urls[0], "Day 0")
    expect(_card(viewer, "Day 0")).to_have_count(0)
    expect(_cards(viewer)).to_have_count(1)
    expect(viewer.get_by_text(f"{count - 1} shown by this filter", exact=True)).to_be_visible()

    priya.goto(urls[1])
    expect(priya.get_by_role("heading", name="Day 1", level=1)).to_be_visible()
    priya.get_by_role("button", name="Edit title, description and tags").click()
    priya.get_by_label("Title", exact=True).fill("Day 1, rewritten")
    priya.get_by_role("button", name="Save").click()
    expect(priya.get_by_text("Saved.")).to_be_visible()
    expect(_card(viewer, "Day 1, rewritten")).to_be_visible()

    # A later change (a new entry) does not bring the deleted one back; page 2 is offered
    # the new entry instead of having it pushed in.
    _submit_text(priya, cid, "Day 26")
    expect(viewer.get_by_text(NEW_ENTRIES)).to_be_visible()
    expect(_card(viewer, "Day 0")).to_have_count(0)
    expect(_cards(viewer)).to_have_count(1)
    expect(_card(viewer, "Day 1, rewritten")).to_be_visible()
    expect(viewer.get_by_text(f"{count} shown by this filter", exact=True)).to_be_visible()
    screenshot(viewer, "challenge-live-banner")
    _not_reloaded(viewer)
