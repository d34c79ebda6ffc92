"""Sign up, sign out, sign in (wrong then right), protected pages, demo content, logs."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in, sign_up

NEW_PASSWORD = "a long secret phrase 42"


def test_visitor_sees_what_the_studio_is_and_demo_activity(page):
    page.goto("/")
    expect(
        page.get_by_role("heading", name="Make things together. Get paid fairly.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Join the studio").first).to_be_visible()
    feed = page.get_by_role("list", name="Recent activity")
    expect(feed.get_by_role("listitem").first).to_be_visible()
    screenshot(page, "home-visitor")
    # Demo content is there to explore (other tests may have pushed it down the feed).
    page.get_by_role("link", name="Challenges").first.click()
    expect(page.get_by_role("link", name="The lighthouse at the end of the world")).to_be_visible()
    expect(page.get_by_text("pool: $1,200.00")).to_be_visible()


def test_sign_up_sign_out_sign_in_and_protected_page(new_context, live_app):
    page = new_context().new_page()
    # Bad input first: mismatched passwords are refused with a clear message.
    page.goto("/signup")
    page.get_by_label("Username").fill("newwriter")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat password").fill(NEW_PASSWORD + "x")
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("alert")).to_contain_text("The two passwords differ")

    sign_up(page, "newwriter", NEW_PASSWORD, display_name="New Writer")
    expect(page.get_by_role("heading", name="Welcome back, New Writer")).to_be_visible()
    expect(page.get_by_role("link", name="Your drafts")).to_be_visible()
    token = page.evaluate("localStorage.getItem('hitrec_session')")
    assert token and len(token) > 30
    screenshot(page, "home-signed-in")

    # The same username in another case is taken.
    other = new_context().new_page()
    sign_up(other, "NEWWRITER", NEW_PASSWORD)
    expect(other.get_by_role("alert")).to_contain_text("is taken")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()

    # A protected page sends a signed-out visitor to sign in, then back.
    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/signin\?next=/profile"))
    page.get_by_label("Username").fill("newwriter")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong username or password")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/profile/?$"))
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()

    # The old token was revoked at sign-out; a new one was issued.
    new_token = page.evaluate("localStorage.getItem('hitrec_session')")
    assert new_token and new_token != token

    # Profile edits stick.
    page.get_by_label("Bio").fill("I write about lighthouses.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved")
    page.goto("/u/newwriter")
    expect(page.get_by_text("I write about lighthouses.")).to_be_visible()

    # Neither the password nor any session token ever reaches the logs.
    logs = live_app.log_text()
    for secret in (NEW_PASSWORD, "not the password", token, new_token):
        assert secret not in logs


def test_revoked_token_is_not_accepted_after_sign_out(new_context):
    page = new_context().new_page()
    sign_in(page, "tomas")
    token = page.evaluate("localStorage.getItem('hitrec_session')")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    # Put the old token back, as a thief who copied it would.
    page.evaluate(f"localStorage.setItem('hitrec_session', '{token}')")
    page.goto("/profile")
    expect(page).to_have_url(re.compile(r"/signin"))


def test_admin_can_promote_a_member_to_host(new_context):
    page = new_context().new_page()
    sign_in(page, "maya")
    page.goto("/admin/users")
    row = page.get_by_role("row").filter(has_text="Ada Lindqvist")
    row.get_by_role("button", name="Make host").click()
    expect(page.get_by_role("status")).to_contain_text("ada is now host")
    expect(row.get_by_role("button", name="Make host")).to_be_disabled()

    member = new_context().new_page()
    sign_in(member, "priya")
    member.goto("/admin/users")
    expect(member.get_by_role("alert")).to_contain_text("Only admins")


def test_unknown_address_shows_not_found(page):
    page.goto("/no/such/page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()


def test_phone_sized_screen_keeps_navigation_usable(new_context):
    page = new_context(viewport={"width": 390, "height": 844}).new_page()
    page.goto("/")
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone ({width}px)"
    screenshot(page, "home-phone")


def test_keyboard_user_can_skip_to_content_and_sign_in(page):
    page.goto("/signin")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # Fill and submit the form with the keyboard alone.
    page.get_by_label("Username").focus()
    page.keyboard.type("ada")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("hitrec-demo-2026")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
