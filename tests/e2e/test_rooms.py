"""Real-time rooms: a change made through one browser appears in another without reload."""

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_up


def test_new_member_appears_live_on_another_visitors_home_page(new_context):
    watcher = new_context().new_page()
    watcher.goto("/")
    feed = watcher.get_by_role("list", name="Recent activity")
    expect(feed.get_by_role("listitem").first).to_be_visible()
    expect(feed).not_to_contain_text("Room Tester")
    watcher.evaluate("window.__notReloaded = true")

    joiner = new_context().new_page()
    sign_up(joiner, "roomtester", "a long secret phrase 42", display_name="Room Tester")
    expect(joiner.get_by_role("heading", name="Welcome back, Room Tester")).to_be_visible()

    expect(feed).to_contain_text("Room Tester joined the studio")
    assert watcher.evaluate("window.__notReloaded") is True


def test_the_feed_shows_the_newest_live_and_older_lines_on_request(new_context):
    page = new_context().new_page()
    page.goto("/")
    feed = page.get_by_role("list", name="Recent activity")
    expect(feed.get_by_role("listitem")).to_have_count(12)  # the live window
    page.get_by_role("button", name="Show older activity").click()
    older = page.get_by_role("list", name="Older activity")
    expect(older.get_by_role("listitem").first).to_be_visible()
    newest_older = older.get_by_role("listitem").first.inner_text()
    live = feed.get_by_role("listitem").all_inner_texts()
    assert newest_older not in live  # the page below the window, not a repeat of it
    screenshot(page, "home-older-activity")
