"""Small browser helpers shared by the end-to-end tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

DEMO_PASSWORD = "hitrec-demo-2026"


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD, next_path: str = "") -> None:
    page.goto("/signin" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    # The sign-in page shows "Sign out" a moment before its redirect lands: wait for the
    # redirect, or a click made meanwhile (e.g. on "Drafts") is undone by it.
    page.wait_for_url(lambda url: "/signin" not in url)


def sign_up(page: Page, username: str, password: str, display_name: str = "") -> None:
    page.goto("/signup")
    page.get_by_label("Username").fill(username)
    if display_name:
        page.get_by_label("Display name").fill(display_name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Create account").click()
