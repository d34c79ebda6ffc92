"""The core creative loop in real browsers: challenge, entries, remix, lineage, live board."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from playwright.sync_api import Page, expect
from sqlmodel import select

from hitrec_app.db import session_scope
from hitrec_app.models import User, utcnow
from hitrec_app.services import challenges
from hitrec_app.services.challenges import ChallengeInput
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in

XSS = '<img src="x" onerror="window.__xss = 1"><script>window.__xss = 2</script>'


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _card(page: Page, title: str):
    return page.get_by_role("article", name=title)


def _submit_text(page: Page, title: str, body: str) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label(re.compile(r"^Text \(Markdown")).fill(body)
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def test_challenge_entries_remix_lineage_and_live_board(new_context):
    # A host posts a challenge, with money shown up front.
    host = new_context().new_page()
    sign_in(host, "jules")
    host.goto("/challenges")
    host.get_by_role("link", name="New challenge").click()
    # The form is ready once its list of productions has loaded.
    expect(host.get_by_role("option", name="Lighthouse: a short film")).to_be_attached()
    host.get_by_label("Title", exact=True).fill("Night bus stories")
    host.get_by_label("Prompt", exact=True).fill("Tell us what happens on the last bus home.")
    host.get_by_label("Video").uncheck()
    host.get_by_label("Pool in dollars (optional)").fill("500")
    host.get_by_label("Contributors' share in % (optional)").fill("40")
    host.get_by_role("button", name="Post challenge").click()
    expect(host.get_by_role("heading", name="Night bus stories", level=1)).to_be_visible()
    expect(host.get_by_text("pool: $500.00, expected contributors' share: 40%")).to_be_visible()
    challenge_url = host.url
    challenge_id = challenge_url.rstrip("/").rsplit("/", 1)[-1]

    # A third person watches the challenge page; nothing will reload it.
    watcher = new_context().new_page()
    watcher.goto(challenge_url)
    expect(watcher.get_by_text("No entries here yet.")).to_be_visible()
    expect(watcher.get_by_text("0 entries")).to_be_visible()

    # A contributor submits a text record (with an XSS attempt in its Markdown) ...
    priya = new_context().new_page()
    sign_in(priya, "priya")
    priya.goto(challenge_url)
    priya.get_by_role("link", name="Submit a record").click()
    expect(priya.get_by_text("For the challenge “Night bus stories”")).to_be_visible()
    _submit_text(priya, "The last bus", f"**The driver** hums.\n\n{XSS}\n\nEnd.")
    first_url = priya.url
    body = priya.locator(".record-body")
    expect(body.locator("strong")).to_have_text("The driver")
    expect(body).to_contain_text('<img src="x" onerror=')  # shown as text ...
    expect(body).to_contain_text("<script>window.__xss = 2</script>")
    expect(body.locator("img")).to_have_count(0)  # ... never turned into elements
    expect(body.locator("script")).to_have_count(0)
    assert priya.evaluate("() => window.__xss") is None

    expect(_card(watcher, "The last bus")).to_be_visible()
    expect(watcher.get_by_text("1 entry", exact=True)).to_be_visible()

    # ... and an image record.
    priya.goto(f"/records/new?challenge={challenge_id}")
    priya.get_by_role("radio", name="Image").click()
    priya.get_by_label("Title", exact=True).fill("Window light")
    priya.locator("input[type=file]").set_input_files(
        files=[{"name": "window.png", "mimeType": "image/png", "buffer": _png()}]
    )
    expect(priya.get_by_text("window.png")).to_be_visible()
    priya.get_by_role("button", name="Submit record").click()
    expect(priya.get_by_role("heading", name="Window light", level=1)).to_be_visible()
    expect(priya.get_by_role("img", name="Window light")).to_be_visible()
    expect(_card(watcher, "Window light")).to_be_visible()

    # A second contributor remixes the first record; the lineage graph shows both.
    ada = new_context().new_page()
    sign_in(ada, "ada")
    ada.goto(first_url)
    ada.get_by_role("link", name="Remix this").click()
    expect(ada.get_by_role("heading", name="Remix", level=1)).to_be_visible()
    expect(ada.get_by_role("link", name="The last bus")).to_be_visible()
    _submit_text(ada, "The last bus, backwards", "The bus runs in reverse, collecting dreams.")
    graph = ada.get_by_role("figure", name=re.compile("Lineage graph"))
    expect(
        graph.get_by_role("link", name=re.compile(r"^The last bus, text by Priya Raman"))
    ).to_be_visible()
    expect(
        graph.get_by_role("link", name=re.compile(r"backwards.*\(this record\)"))
    ).to_be_visible()
    credits = ada.get_by_role("region", name="Credits upstream")
    expect(credits.get_by_role("link", name="Priya Raman")).to_be_visible()
    screenshot(ada, "record-lineage")

    # The watcher saw the remix arrive and the source's remix count move.
    expect(_card(watcher, "The last bus, backwards")).to_be_visible()
    expect(_card(watcher, "The last bus").get_by_label("remixes: 1")).to_be_visible()

    # Priya is told her record was remixed, live in the navbar bell.
    expect(priya.get_by_role("link", name="Notifications, 1 unread")).to_be_visible()

    # Hearts from two people appear on the watcher's page without reloading.
    ada.goto(first_url)
    ada.get_by_role("button", name=re.compile("^Heart")).click()
    expect(ada.get_by_role("button", name=re.compile("^Hearted"))).to_be_visible()
    expect(_card(watcher, "The last bus").get_by_label("hearts: 1")).to_be_visible()
    host.goto(first_url)
    host.get_by_role("button", name=re.compile("^Heart")).click()
    expect(_card(watcher, "The last bus").get_by_label("hearts: 2")).to_be_visible()
    # ... and on the record page Ada still has open.
    expect(ada.get_by_label("hearts: 2")).to_be_visible()

    # Clicking a node in the graph recentres it on that record.
    ada.goto(first_url)
    ada.get_by_role("figure", name=re.compile("Lineage graph")).get_by_role(
        "link", name=re.compile(r"^The last bus, backwards")
    ).click()
    expect(ada.get_by_role("heading", name="The last bus, backwards", level=1)).to_be_visible()

    # Sorting by hearts puts the hearted record first.
    watcher.get_by_role("combobox", name="Sort by").click()
    watcher.get_by_role("option", name="Most hearted").click()
    expect(watcher.get_by_role("article").first).to_have_accessible_name("The last bus")
    screenshot(watcher, "challenge-board")

    watcher.goto("/challenges")
    expect(_card(watcher, "Night bus stories")).to_contain_text("3 entries")
    screenshot(watcher, "challenges-list")


def test_submission_form_and_a_wrong_file_is_refused(new_context):
    page = new_context().new_page()
    sign_in(page, "tomas")
    page.goto("/records/new")
    expect(page.get_by_role("heading", name="Submit a record")).to_be_visible()
    page.get_by_role("radio", name="Audio").click()
    page.get_by_label("Title", exact=True).fill("Not really audio")
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "rain.mp3", "mimeType": "audio/mpeg", "buffer": _png()}]
    )
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("alert")).to_contain_text("not a MP3, OGG or WAV audio file")
    screenshot(page, "submission-form")


def test_comments_arrive_live_and_notify_the_author(new_context):
    jules = new_context().new_page()
    sign_in(jules, "jules")
    jules.goto("/challenges")
    jules.get_by_role("link", name="The lighthouse at the end of the world").click()
    jules.get_by_role("link", name="The keeper's last log").first.click()
    expect(jules.get_by_role("heading", name="The keeper's last log", level=1)).to_be_visible()
    record_url = jules.url

    tomas = new_context().new_page()
    sign_in(tomas, "tomas")
    tomas.goto(record_url)
    tomas.get_by_label("Add a comment").fill("The lamp line gave me chills.")
    tomas.get_by_role("button", name="Post comment").click()

    comments = jules.get_by_role("list", name="Comments")
    expect(comments).to_contain_text("The lamp line gave me chills.")
    jules.get_by_role("link", name=re.compile("^Notifications, 1 unread")).click()
    expect(jules.get_by_role("list", name="Notifications")).to_contain_text(
        "Tomás Herrera commented on “The keeper's last log”"
    )
    jules.get_by_role("button", name="Mark all as read").click()
    expect(jules.get_by_role("link", name="Notifications", exact=True)).to_be_visible()


def test_a_challenge_closes_itself_at_its_deadline_on_pages_left_open(new_context, live_app):
    # A host's challenge with a deadline a few seconds away, written straight into the
    # live app's database (the form only takes whole minutes).
    with session_scope(write=True, url=live_app.env["HITREC_DATABASE_URL"]) as session:
        host = session.exec(select(User).where(User.username == "jules")).one()
        challenge = challenges.create_challenge(
            session=session,
            actor_id=host.id,
            data=ChallengeInput(
                title="Last call",
                prompt="Say it before the doors close.",
                deadline=utcnow() + timedelta(seconds=12),
            ),
            publish=True,
        )
        challenge_id = challenge.id

    contributor = new_context().new_page()
    sign_in(contributor, "priya")
    contributor.goto(f"/challenges/{challenge_id}")
    expect(contributor.get_by_role("heading", name="Last call", level=1)).to_be_visible()
    expect(contributor.get_by_text("closing soon", exact=True)).to_be_visible()
    submit = contributor.get_by_role("link", name="Submit a record")
    expect(submit).to_be_visible()

    board = new_context().new_page()
    board.goto("/challenges")
    expect(
        board.get_by_role("region", name="Closing soon").get_by_role("article", name="Last call")
    ).to_be_visible()

    # Nobody reloads anything: at the deadline both pages change by themselves.
    expect(contributor.get_by_text("closed", exact=True)).to_be_visible(timeout=30_000)
    expect(submit).to_have_count(0)
    expect(
        board.get_by_role("region", name="Closed").get_by_role("article", name="Last call")
    ).to_be_visible(timeout=15_000)
    expect(
        board.get_by_role("region", name="Closing soon").get_by_role("article", name="Last call")
    ).to_have_count(0)


def test_edit_form_shows_the_challenge_reached_by_a_link(page: Page):
    """The edit form shows the challenge being edited, not what the form last held: saving
    it must never overwrite one challenge with another's fields."""
    sign_in(page, "maya")
    page.goto("/challenges/new")
    expect(page.get_by_role("option", name="Lighthouse: a short film")).to_be_attached()
    page.get_by_label("Title", exact=True).fill("Harbour lights")
    page.get_by_label("Prompt", exact=True).fill("What do the harbour lights say?")
    page.get_by_role("button", name="Post challenge").click()
    expect(page.get_by_role("heading", name="Harbour lights", level=1)).to_be_visible()
    # Through links only (no reload), to another challenge's edit form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Challenges").click()
    page.get_by_role("link", name="The lighthouse at the end of the world").first.click()
    lighthouse = page.get_by_role("heading", name="The lighthouse at the end of the world", level=1)
    expect(lighthouse).to_be_visible()  # its page loaded: "Edit challenge" links to it
    page.get_by_role("link", name="Edit challenge").click()
    expect(page.get_by_role("heading", name="Edit challenge", level=1)).to_be_visible()
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "The lighthouse at the end of the world"
    )
    expect(page.get_by_label("Prompt", exact=True)).not_to_have_value(
        "What do the harbour lights say?"
    )
