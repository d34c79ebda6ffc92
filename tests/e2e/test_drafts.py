"""Live co-editing in real browsers: two writers at once, presence, authorship, restart."""

from __future__ import annotations

import re

from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in

DRAFT_TITLE = "The Keeper's Daughter"


def _open_demo_draft(page: Page, username: str) -> int:
    sign_in(page, username)
    page.get_by_role("link", name="Drafts", exact=True).click()
    page.get_by_role("link", name=DRAFT_TITLE).click()
    expect(page.get_by_role("heading", name=DRAFT_TITLE)).to_be_visible()
    match = re.search(r"/drafts/(\d+)", page.url)
    assert match, page.url
    draft_id = int(match.group(1))
    # Wait until the editor has joined the room and everything it knows is saved.
    expect(page.get_by_role("status", name="Editor status")).to_have_text("Saved")
    return draft_id


def _text(page: Page, draft_id: int) -> str:
    """The document from the editor's Yjs state (remote cursor labels are in the DOM text)."""
    return page.evaluate("id => window.__hitrecEditors[id].text()", draft_id)


def _wait_text(page: Page, draft_id: int, expected: str) -> None:
    page.wait_for_function(
        "([id, want]) => window.__hitrecEditors[id] && window.__hitrecEditors[id].text() === want",
        arg=[draft_id, expected],
    )


def _editor(page: Page):
    return page.get_by_role("textbox", name="Draft text")


def _shares(page: Page) -> list[str]:
    page.get_by_role("tab", name="Show authors").click()
    shares = page.get_by_role("list", name="Authorship shares")
    expect(shares.get_by_role("listitem").first).to_be_visible()
    return shares.get_by_role("listitem").all_inner_texts()


def test_two_writers_type_at_once_and_everything_survives_a_restart(new_context, live_app):
    jules = new_context(viewport={"width": 1280, "height": 900}).new_page()
    priya = new_context(viewport={"width": 1280, "height": 900}).new_page()
    draft_id = _open_demo_draft(jules, "jules")
    assert _open_demo_draft(priya, "priya") == draft_id

    # Both see each other in the presence list, with the names the server vouches for.
    expect(jules.get_by_role("list", name="People in this draft")).to_contain_text("Priya Raman")
    expect(priya.get_by_role("list", name="People in this draft")).to_contain_text(
        "Jules Marchetti"
    )

    # Jules lays down two lines; both editors converge on them.
    _editor(jules).click()
    jules.keyboard.type("The lamp turned.")
    jules.keyboard.press("Enter")
    jules.keyboard.type("The sea kept quiet.")
    base = "The lamp turned.\nThe sea kept quiet."
    _wait_text(priya, draft_id, base)

    # Jules goes to the end of line one, Priya to the end of the text; then they type
    # at the same time, a few keys each in turn, without waiting for each other.
    jules.keyboard.press("Control+Home")
    jules.keyboard.press("End")
    _editor(priya).click()
    priya.keyboard.press("Control+End")
    jules_words = [" Her", " father", " kept", " the", " log."]
    priya_words = [" Then", " a", " bell", " rang", " twice."]
    for jw, pw in zip(jules_words, priya_words, strict=True):
        jules.keyboard.type(jw)
        priya.keyboard.type(pw)
        if jw == " the":
            # Mid-edit: both browsers, each showing the other's cursor.
            screenshot(jules, "drafts-mid-edit-jules")
            screenshot(priya, "drafts-mid-edit-priya")

    expected = (
        "The lamp turned. Her father kept the log.\nThe sea kept quiet. Then a bell rang twice."
    )
    _wait_text(jules, draft_id, expected)
    _wait_text(priya, draft_id, expected)
    expect(jules.get_by_role("status", name="Editor status")).to_have_text("Saved")
    expect(priya.get_by_role("status", name="Editor status")).to_have_text("Saved")

    # Each sees the other's cursor, labelled with the other's name.
    expect(jules.locator(".cm-ySelectionCaret", has_text="Priya Raman")).to_be_visible()
    expect(priya.locator(".cm-ySelectionCaret", has_text="Jules Marchetti")).to_be_visible()
    screenshot(jules, "drafts-after-edit-jules")

    # The authors view credits both writers, with the text coloured by author.
    shares = _shares(jules)
    assert any(s.startswith("Jules Marchetti") for s in shares), shares
    assert any(s.startswith("Priya Raman") for s in shares), shares
    coloured = jules.get_by_role("region", name="Text coloured by author")
    expect(coloured.locator("span[title='Priya Raman']").first).to_be_visible()
    expect(coloured).to_contain_text("Then a bell rang twice.")
    screenshot(jules, "drafts-authors-view")

    # Everyone leaves, the server restarts, and a fresh browser finds it all as it was.
    jules.context.close()
    priya.context.close()
    live_app.restart()

    fresh = new_context(viewport={"width": 1280, "height": 900}).new_page()
    _open_demo_draft(fresh, "jules")
    _wait_text(fresh, draft_id, expected)
    assert _shares(fresh) == shares
    screenshot(fresh, "drafts-after-restart")


def test_a_viewer_reads_the_draft_but_cannot_type(new_context):
    ada = new_context().new_page()
    draft_id = _open_demo_draft(ada, "ada")
    expect(ada.get_by_text("You can read this draft but not change it.")).to_be_visible()
    before = _text(ada, draft_id)

    editor = _editor(ada)
    expect(editor).to_have_attribute("contenteditable", "false")
    editor.click()
    ada.keyboard.type("viewer was here")
    expect(ada.get_by_role("status", name="Editor status")).to_have_text("Saved")
    assert _text(ada, draft_id) == before
    # No member management for a viewer.
    expect(ada.get_by_role("form", name="Invite a member")).to_have_count(0)


def test_new_draft_history_restore_invite_and_publish(new_context):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, "jules")
    page.get_by_role("link", name="Drafts", exact=True).click()
    page.get_by_label("Title").fill("Tide tables")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Tide tables")).to_be_visible()
    draft_id = int(re.search(r"/drafts/(\d+)", page.url).group(1))
    status = page.get_by_role("status", name="Editor status")
    expect(status).to_have_text("Saved")

    _editor(page).click()
    page.keyboard.type("First version.")
    _wait_text(page, draft_id, "First version.")
    expect(status).to_have_text("Saved")
    page.get_by_label("Snapshot name").fill("v1")
    page.get_by_role("button", name="Save named snapshot").click()
    snapshots = page.get_by_role("list", name="Snapshots")
    expect(snapshots).to_contain_text("v1")

    _editor(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" More.")
    _wait_text(page, draft_id, "First version. More.")
    expect(status).to_have_text("Saved")

    snapshots.get_by_role("listitem").filter(has_text="v1").get_by_role("button").click()
    changes = page.get_by_role("region", name="Changes since this version")
    expect(changes).to_contain_text("First version. More.")
    expect(changes.locator("[data-kind='del']")).to_have_text("− First version.")
    page.get_by_role("button", name="Restore this version").click()
    _wait_text(page, draft_id, "First version.")
    expect(page.get_by_role("status").filter(has_text="Restored")).to_be_visible()

    page.get_by_label("Invite by username").fill("tomas")
    page.get_by_label("Role", exact=True).select_option("viewer")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("list", name="Members")).to_contain_text("Tomás Herrera")

    page.get_by_role("button", name="Publish as a text record").click()
    expect(page.get_by_role("link", name="See the published record")).to_be_visible()
    screenshot(page, "drafts-published")


def _new_shared_draft(owner: Page, title: str, member: str, member_name: str) -> int:
    """Owner (signed in) creates a draft and invites `member` as an editor."""
    owner.get_by_role("link", name="Drafts", exact=True).click()
    owner.get_by_label("Title").fill(title)
    owner.get_by_role("button", name="Create draft").click()
    expect(owner.get_by_role("heading", name=title)).to_be_visible()
    draft_id = int(re.search(r"/drafts/(\d+)", owner.url).group(1))
    expect(owner.get_by_role("status", name="Editor status")).to_have_text("Saved")
    owner.get_by_label("Invite by username").fill(member)
    owner.get_by_label("Role", exact=True).select_option("editor")
    owner.get_by_role("button", name="Invite").click()
    expect(owner.get_by_role("list", name="Members")).to_contain_text(member_name)
    return draft_id


def _open_draft(page: Page, draft_id: int, title: str) -> None:
    page.goto(f"/drafts/{draft_id}")
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("status", name="Editor status")).to_have_text("Saved")


def test_a_removed_member_loses_the_open_editor_at_once(new_context):
    jules = new_context(viewport={"width": 1280, "height": 900}).new_page()
    priya = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(jules, "jules")
    draft_id = _new_shared_draft(jules, "Harbour notes", "priya", "Priya Raman")
    sign_in(priya, "priya")
    _open_draft(priya, draft_id, "Harbour notes")

    # Priya writes while she is a member: it reaches Jules.
    _editor(priya).click()
    priya.keyboard.type("Gulls at dawn.")
    _wait_text(jules, draft_id, "Gulls at dawn.")
    expect(priya.get_by_role("status", name="Editor status")).to_have_text("Saved")

    # Jules removes her while her editor is open; nobody reloads anything.
    jules.get_by_role("button", name="Remove Priya Raman").click()
    expect(jules.get_by_role("list", name="Members")).not_to_contain_text("Priya Raman")

    # Priya's page says at once that the draft is closed to her, and there is no
    # editor left to type into.
    expect(priya.get_by_role("heading", name="This draft is not open to you")).to_be_visible()
    expect(priya.get_by_text("You are no longer a member of this draft.")).to_be_visible()
    expect(_editor(priya)).to_have_count(0)
    screenshot(priya, "drafts-member-removed")
    priya.keyboard.type(" More gulls.")

    # Her earlier words stay (with her credit); nothing more from her arrives.
    _editor(jules).click()
    jules.keyboard.press("Control+End")
    jules.keyboard.type(" Tide out.")
    _wait_text(jules, draft_id, "Gulls at dawn. Tide out.")
    expect(jules.get_by_role("status", name="Editor status")).to_have_text("Saved")
    shares = _shares(jules)
    assert any(s.startswith("Priya Raman") for s in shares), shares
    assert _text(jules, draft_id) == "Gulls at dawn. Tide out."


def test_offline_edits_are_kept_and_merge_when_the_connection_returns(new_context):
    jules = new_context(viewport={"width": 1280, "height": 900}).new_page()
    priya = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(jules, "jules")
    draft_id = _new_shared_draft(jules, "Night watch", "priya", "Priya Raman")
    _editor(jules).click()
    jules.keyboard.type("Lamp lit.")

    # Chromium's offline emulation (`set_offline`) fails new requests and connections but
    # leaves an open websocket alone, so Priya's editor socket is relayed through
    # Playwright (to the real server) and the test can drop it like a lost network.
    links: list[tuple[WebSocketRoute, WebSocketRoute]] = []
    priya.route_web_socket(
        re.compile(r"/collab/draft-\d+"), lambda ws: links.append((ws, ws.connect_to_server()))
    )
    sign_in(priya, "priya")
    _open_draft(priya, draft_id, "Night watch")
    _wait_text(priya, draft_id, "Lamp lit.")
    priya_status = priya.get_by_role("status", name="Editor status")

    # Priya's network goes: no new connection (nor token) can be had, the open one drops.
    priya.context.set_offline(True)
    for page_side, server_side in links:
        server_side.close()
        page_side.close()
    expect(priya_status).to_have_text(re.compile(r"^Offline"))

    # What she types while offline is kept in her editor, and the status still says offline.
    _editor(priya).click()
    priya.keyboard.press("Control+End")
    priya.keyboard.type(" Storm coming.")
    _wait_text(priya, draft_id, "Lamp lit. Storm coming.")
    expect(priya_status).to_have_text(re.compile(r"^Offline"))
    screenshot(priya, "drafts-offline")

    # Meanwhile Jules, still online, writes at the start; Priya does not get it yet.
    _editor(jules).click()
    jules.keyboard.press("Control+Home")
    jules.keyboard.type("Night. ")
    _wait_text(jules, draft_id, "Night. Lamp lit.")
    expect(priya_status).to_have_text(re.compile(r"^Offline"))
    assert _text(priya, draft_id) == "Lamp lit. Storm coming."

    # The network returns: the editor reconnects by itself, both edits meet in both
    # browsers, and Priya's status goes back to saved.
    priya.context.set_offline(False)
    merged = "Night. Lamp lit. Storm coming."
    _wait_text(priya, draft_id, merged)
    _wait_text(jules, draft_id, merged)
    expect(priya_status).to_have_text("Saved")
    expect(jules.get_by_role("status", name="Editor status")).to_have_text("Saved")
