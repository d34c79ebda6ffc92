"""Full-page screenshots of every page of the studio, with demo data, for before/after comparisons.

Usage: python scripts/screenshot_pages.py OUTDIR

Starts the real app from this checkout (tests.e2e.live_app.LiveApp, in a temp dir), drives
Debian chromium through Playwright and writes NN-who-page.png files into OUTDIR (1280px wide,
full page; *-dialog shots are the 1280x900 viewport with the dialog open).
A page that cannot be shot prints a warning; the run continues.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (one launch recipe)
from tests.e2e.live_app import LiveApp  # noqa: E402

PASSWORD = "hitrec-demo-2026"  # noqa: S105 (the documented demo password)


class Shooter:
    def __init__(self, browser: Browser, url: str, outdir: Path) -> None:
        self.browser, self.url, self.outdir = browser, url, outdir
        self.n = 0
        self.failed: list[str] = []

    def session(self, who: str) -> Page:
        ctx = self.browser.new_context(base_url=self.url, viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(20_000)
        page = ctx.new_page()
        if who != "anon":
            page.goto("/signin")
            page.get_by_label("Username").fill(who)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    def shot(
        self,
        page: Page,
        who: str,
        name: str,
        path: str | None,
        action: Callable[[Page], None] | None = None,
    ) -> None:
        self.n += 1
        file = self.outdir / f"{self.n:02d}-{who}-{name}.png"
        try:
            if path is None:
                raise RuntimeError("no URL found for this page")
            page.goto(path)
            settle(page)
            if action is not None:
                action(page)
            # An open dialog is fixed to the viewport: shoot what the user sees, not the page.
            page.screenshot(path=str(file), full_page=not name.endswith("dialog"))
            print(f"ok   {file.name}  ({path})")
        except Exception as exc:  # a missing page is reported, not fatal
            self.failed.append(file.name)
            print(f"WARN {file.name}  ({path}): {str(exc).splitlines()[0]}")


def settle(page: Page) -> None:
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    except Exception:  # noqa: S110 - websockets may keep the page busy
        pass
    expect(page.get_by_role("heading").first).to_be_visible()
    page.wait_for_timeout(500)  # let fonts and late state deltas paint


def links(page: Page, path: str, pattern: str) -> list[tuple[str, str]]:
    """(href, text) of the links on `path` whose href matches `pattern` (in page order)."""
    page.goto(path)
    settle(page)
    found = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => [e.getAttribute('href'), e.textContent.trim()])"
    )
    return list(dict.fromkeys((h, t) for h, t in found if re.fullmatch(pattern, h or "")))


def pick(found: list[tuple[str, str]], title: str = "") -> str | None:
    for href, text in found:
        if title and title in text:
            return href
    return found[0][0] if found else None


def open_dialog(button: str) -> Callable[[Page], None]:
    def act(page: Page) -> None:
        page.get_by_role("button", name=button).click()
        expect(page.get_by_role("alertdialog")).to_be_visible()
        page.wait_for_timeout(400)  # the open animation

    return act


def wait_editor(page: Page) -> None:
    expect(page.get_by_role("status", name="Editor status")).to_have_text("Saved")


def run(s: Shooter) -> None:
    anon = s.session("anon")
    challenges = links(anon, "/challenges", r"/challenges/\d+")
    challenge = pick(challenges, "lighthouse")
    records = links(anon, challenge, r"/records/\d+") if challenge else []
    remix = pick(records, "Log, answered")  # has sources and is remixed
    own = pick(records, "The keeper's last log")  # submitted by jules, remixed by others
    productions = links(anon, "/productions", r"/productions/\d+")
    production = pick(productions, "Lighthouse")
    for name, path in [
        ("home", "/"),
        ("challenges", "/challenges"),
        ("signin", "/signin"),
        ("signup", "/signup"),
        ("terms", "/terms"),
        ("unknown-url", "/no/such/page"),
        ("challenge", challenge),
        ("record", remix),
        ("user-jules", "/u/jules"),
        ("productions", "/productions"),
        ("production", production),
    ]:
        s.shot(anon, "anon", name, path)

    jules = s.session("jules")
    drafts = links(jules, "/drafts", r"/drafts/\d+")
    proposals = links(jules, production, r"/proposals/\d+") if production else []
    proposal = proposals[0][0] if proposals else None
    cid = challenge.rsplit("/", 1)[1] if challenge else None
    for name, path, action in [
        ("home", "/", None),
        ("challenges", "/challenges", None),
        ("challenge", challenge, None),
        ("record", remix, None),
        ("own-record", own, None),
        ("record-new", "/records/new", None),
        ("record-new-challenge", f"/records/new?challenge={cid}" if cid else None, None),
        ("drafts", "/drafts", None),
        ("draft", pick(drafts, "Keeper's Daughter"), wait_editor),
        ("profile", "/profile", None),
        ("user-jules", "/u/jules", None),
        ("notifications", "/notifications", None),
        ("production", production, None),
        ("proposal", proposal, None),
        ("proposal-diff", f"{proposal}/diff?from=1&to=2" if proposal else None, None),
        ("earnings", "/earnings", None),
        ("withdraw-dialog", own, open_dialog("Withdraw record")),
    ]:
        s.shot(jules, "jules", name, path, action)

    maya = s.session("maya")
    for name, path, action in [
        ("admin-users", "/admin/users", None),
        ("production-host", production, None),
        ("proposal-host", proposal, None),
        ("challenge-new", "/challenges/new", None),
        ("challenge-edit", f"{challenge}/edit" if challenge else None, None),
        ("close-dialog", challenge, open_dialog("Close challenge")),
    ]:
        s.shot(maya, "maya", name, path, action)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    outdir = Path(sys.argv[1]).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hitrec-shots-") as tmp:
        app = LiveApp(Path(tmp)).start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                shooter = Shooter(browser, app.url, outdir)
                run(shooter)
                browser.close()
        finally:
            app.stop()
    print(f"{shooter.n - len(shooter.failed)} of {shooter.n} pages shot into {outdir}")
    if shooter.failed:
        print("failed: " + ", ".join(shooter.failed))
    return 1 if shooter.failed else 0


if __name__ == "__main__":
    sys.exit(main())
