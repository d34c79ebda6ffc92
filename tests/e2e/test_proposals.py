"""A pay proposal discussed live: the host opens it, contributors vote and comment, a third
browser watches tallies and comments move without reload, the host revises naming an
objection, the diff shows it, payees sign off, the host finalises, and the earnings page and
its downloads show the exact amounts."""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from hitrec_app.db import session_scope
from hitrec_app.models import MoneyEntry, Production, ProductionContribution
from hitrec_app.services import records
from hitrec_app.services.records import RecordInput
from tests.e2e.helpers import sign_in
from tests.factories import PASSWORD, make_user

SHOTS = Path("/tmp/shots-proposals")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _setup(db_url: str) -> tuple[int, dict[str, str]]:
    """A production of three single-author records (weight 100 each), 1,000.00 USD of
    revenue and a pool of half the profit; usernames unique to this run (the live app is
    shared by every e2e test)."""
    tag = secrets.token_hex(3)
    names = {k: f"{k}{tag}" for k in ("host", "ana", "ben", "cleo", "dee")}
    with session_scope(write=True, url=db_url) as session:
        host = make_user(session, names["host"], role="host")
        people = {k: make_user(session, names[k]) for k in ("ana", "ben", "cleo", "dee")}
        production = Production(title=f"Harbour film {tag}", host_id=host.id or 0)
        session.add(production)
        session.flush()
        session.add(
            MoneyEntry(
                production_id=production.id or 0,
                kind="revenue",
                amount_minor=100_000,
                occurred_on=date(2026, 11, 1),
                source="Festival fee",
            )
        )
        for key, role in (("ana", "story"), ("ben", "illustration"), ("cleo", "score")):
            record = records.submit_record(
                session=session,
                user_id=people[key].id or 0,
                data=RecordInput(kind="text", title=f"{key.title()}'s part", body="Work."),
            )
            session.add(
                ProductionContribution(
                    production_id=production.id or 0, record_id=record.id or 0, role=role
                )
            )
        return production.id or 0, names


def _member(new_context, username: str, path: str) -> Page:
    page = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, username, PASSWORD)
    page.goto(path)
    return page


def _line(page: Page, name: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=name, exact=True))


def _vote(page: Page, payee: str, value: str, reason: str = "") -> None:
    page.get_by_label(f"Your vote on {payee}'s line").select_option(value)
    form = page.get_by_role("form", name=f"Vote on {payee}'s line")
    form.get_by_label("Reason (required to object)").fill(reason)
    form.get_by_role("button", name="Vote").click()


def test_a_proposal_discussed_live_revised_signed_and_finalised(new_context, live_app):
    production_id, n = _setup(live_app.env["HITREC_DATABASE_URL"])

    # The host drafts a proposal from the production's page: the split the evidence suggests.
    host = _member(new_context, n["host"], f"/productions/{production_id}")
    expect(host.get_by_role("list", name="Pay proposals")).to_have_count(0)
    host.get_by_role("button", name="Draft a pay proposal").click()
    host.wait_for_url(re.compile(r"/proposals/\d+$"))
    path = "/proposals/" + host.url.rsplit("/", 1)[-1]

    # The host sees the draft; nobody else does.
    watcher = _member(new_context, n["dee"], path)
    expect(watcher.get_by_role("heading", name="No such proposal")).to_be_visible()

    expect(host.get_by_text("Draft: not open yet")).to_be_visible()
    expect(_line(host, n["ana"])).to_contain_text("33.34%")
    expect(_line(host, n["ana"])).to_contain_text("166.70 USD")
    host.get_by_role("button", name="Open for feedback").click()
    expect(host.get_by_text("Open for feedback").first).to_be_visible()
    expect(host.get_by_role("timer", name="Feedback closes")).to_be_visible()

    # A third member watches; nothing of what follows reloads their page.
    watcher.goto(f"/productions/{production_id}")
    watcher.get_by_role("list", name="Pay proposals").get_by_role("link").click()
    watcher.wait_for_url(re.compile(path + "$"))
    expect(watcher.get_by_role("heading", name=re.compile("^Pay proposal for"))).to_be_visible()
    expect(_line(watcher, n["cleo"])).to_contain_text("33.33%")
    expect(watcher.get_by_label("Waiting for")).to_contain_text(n["ana"])
    watcher.evaluate("window.__notReloaded = true")

    ana = _member(new_context, n["ana"], path)
    ben = _member(new_context, n["ben"], path)
    expect(watcher.get_by_role("note", name="Watching now")).to_contain_text("watching")

    _vote(ana, n["ben"], "agree")
    expect(_line(watcher, n["ben"]).get_by_role("img", name=re.compile("1 agree"))).to_be_visible()
    _vote(ana, n["cleo"], "agree")
    expect(_line(ana, n["cleo"])).to_contain_text("Your vote: agree")

    # Objecting needs a reason; without one, a clear error and nothing is counted.
    _vote(ben, n["cleo"], "object")
    expect(_line(ben, n["cleo"]).get_by_role("alert")).to_contain_text("reason is required")
    _vote(ben, n["cleo"], "object", "The score was reused from an older film.")
    cleo_tally = _line(watcher, n["cleo"]).get_by_role("img", name=re.compile("Votes on"))
    expect(cleo_tally).to_have_attribute("aria-label", re.compile("1 agree, 1 object"))

    # Comments, on the whole proposal and on one line, arrive live.
    ben.get_by_label("Add to the discussion").fill("Should the score count as much as the story?")
    ben.get_by_role("button", name="Post comment").click()
    discussion = watcher.get_by_role("list", name="Discussion")
    expect(discussion).to_contain_text("Should the score count as much as the story?")
    _line(ana, n["cleo"]).get_by_role("button", name=re.compile("^Comments on")).click()
    ana.get_by_label(f"Comment on {n['cleo']}'s line").fill("I liked the score a lot.")
    ana.get_by_role("button", name="Post on this line").click()
    expect(discussion).to_contain_text("I liked the score a lot.")
    expect(
        _line(watcher, n["cleo"]).get_by_role("button", name=re.compile(r"\(1\)"))
    ).to_be_visible()
    _shot(watcher, "proposal-live")

    # The host revises, naming Ben's objection, and moves Cleo's and Ana's shares.
    host.reload()
    host.get_by_label(re.compile("objects on .*The score was reused")).check()
    host.get_by_label("What changes and why").fill("The score reused older work.")
    host.get_by_role("button", name="Start a new version").click()
    expect(host.get_by_text("(not public yet)")).to_be_visible()
    change = host.get_by_role("form", name="Change a share in the new version")
    for who, share in ((n["cleo"], "30"), (n["ana"], "36.67")):
        payee = change.get_by_label("Payee")
        payee.select_option(label=payee.locator("option", has_text=who).inner_text())
        change.get_by_label("New share (%)").fill(share)
        change.get_by_label("Why (everyone sees this)").fill("Part of the score was reused.")
        change.get_by_role("button", name="Change share").click()
        expect(host.get_by_role("list", name="The new version's shares")).to_contain_text(
            f"{share}%"
        )
    host.get_by_role("button", name="Open version 2").click()

    # Every viewer gets the new version live.
    expect(watcher.get_by_text("Version 2", exact=True)).to_be_visible()
    expect(_line(watcher, n["cleo"])).to_contain_text("30%")
    expect(_line(watcher, n["cleo"])).to_contain_text("150.00 USD")
    expect(_line(watcher, n["cleo"])).to_contain_text("Part of the score was reused.")
    # Version 1 is still there to read.
    watcher.get_by_role("button", name="Version 1", exact=True).click()
    expect(_line(watcher, n["cleo"])).to_contain_text("33.33%")
    expect(_line(watcher, n["cleo"])).to_contain_text("Tallies are of the current version")
    watcher.get_by_role("button", name="Version 2 (current)").click()
    expect(_line(watcher, n["cleo"])).to_contain_text("30%")
    # Ana's vote on Cleo's changed line is stale; on Ben's unchanged line it carried over.
    ana.get_by_role("button", name="Show my votes on the new version").click()
    expect(_line(ana, n["cleo"])).to_contain_text("cast on version 1: look again")
    expect(_line(ana, n["ben"])).to_contain_text("Your vote: agree")
    _shot(ana, "proposal-payee-v2")

    # The diff: who gained or lost what, and the objection behind it.
    watcher_diff = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(watcher_diff, n["dee"], PASSWORD)
    watcher_diff.goto(f"{path}/diff?from=1&to=2")
    changes = watcher_diff.get_by_role("table", name="Changes by payee")
    expect(changes.get_by_role("row").filter(has_text=n["cleo"])).to_contain_text("-3.33%")
    expect(changes.get_by_role("row").filter(has_text=n["ana"])).to_contain_text("+3.33%")
    reasons = watcher_diff.get_by_role("list", name="Reasons for the change")
    expect(reasons).to_contain_text("The score was reused from an older film.")
    _shot(watcher_diff, "proposal-diff")

    # Payees sign off on their own lines; the watcher sees who is left.
    for payee in (ana, ben):
        payee.reload()
        payee.get_by_role("button", name="Accept my line").click()
        expect(payee.get_by_text("Your answer is in.")).to_be_visible()
    expect(watcher.get_by_label("Waiting for")).to_contain_text(n["cleo"])
    expect(watcher.get_by_label("Waiting for")).not_to_contain_text(n["ana"])
    cleo = _member(new_context, n["cleo"], path)
    cleo.get_by_role("button", name="Accept my line").click()
    expect(watcher.get_by_text("Every payee has answered.")).to_be_visible()
    _shot(watcher, "proposal-signed")

    # The host finalises: the ledger is written, and every viewer sees it is final.
    host.reload()
    host.get_by_role("button", name="Finalise").click()
    host.get_by_role("alertdialog").get_by_role("button", name="Finalise").click()
    expect(host.get_by_text("Final: the ledger is written.")).to_be_visible()
    expect(watcher.get_by_text("Final", exact=True)).to_be_visible()
    assert watcher.evaluate("window.__notReloaded") is True

    # Ana's earnings: what she is owed, to the cent, and the exports that say so.
    ana.goto("/earnings")
    expect(ana.get_by_role("group", name="Owed to you")).to_contain_text("183.35 USD")
    expect(ana.get_by_role("list", name="Proposals you are on")).to_contain_text("36.67%")
    with ana.expect_download() as sheet:
        ana.get_by_role("button", name=re.compile(r"Split sheet of .* \(CSV\)")).click()
    csv_text = Path(sheet.value.path()).read_text()
    assert f",{n['ana']}," in csv_text and ",3667,36.67%,18335,183.35 USD,USD," in csv_text
    assert ",15000,150.00 USD," in csv_text and ",16665,166.65 USD," in csv_text
    with ana.expect_download() as ledger:
        ana.get_by_role("button", name="My ledger (CSV)").click()
    ledger_text = Path(ledger.value.path()).read_text()
    assert re.search(rf",{n['ana']},owed,18335,USD,", ledger_text), ledger_text
    _shot(ana, "earnings")

    # An admin records the payment; Ana's money moves from owed to paid, to the cent.
    admin = new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, "maya")  # the demo studio's admin
    admin.goto(path)
    admin.get_by_label("Payment reference").fill("BANK-2026-1201")
    admin.get_by_role("button", name="Mark paid").click()
    expect(admin.get_by_text("Marked paid.")).to_be_visible()
    expect(watcher.get_by_text("Paid", exact=True)).to_be_visible()
    ana.reload()
    expect(ana.get_by_role("group", name="Paid to you")).to_contain_text("183.35 USD")
    expect(ana.get_by_role("group", name="Owed to you")).to_contain_text(
        re.compile(r"(?<![\d.,])0\.00 USD")
    )
    expect(ana.get_by_role("list", name="History")).to_contain_text("BANK-2026-1201")
