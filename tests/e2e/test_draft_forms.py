"""Draft forms keep what the user typed when the server refuses it."""

from playwright.sync_api import expect

from tests.e2e.helpers import sign_in


def test_refused_invite_keeps_the_name_and_an_accepted_one_clears_it(new_context):
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, "maya")
    page.get_by_role("link", name="Drafts", exact=True).click()
    page.get_by_label("Title").fill("Harbour lights")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", name="Harbour lights")).to_be_visible()

    field = page.get_by_label("Invite by username")
    field.fill("nobody-by-that-name")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Nobody is called")
    expect(field).to_have_value("nobody-by-that-name")

    field.fill("tomas")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("status").filter(has_text="Invited tomas")).to_be_visible()
    expect(field).to_have_value("")
    expect(page.get_by_text("@tomas")).to_be_visible()
