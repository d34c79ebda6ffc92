"""The record page over the broadcast path: the newest comments show, new ones arrive live in
other browsers, older ones load on request, hearts move live."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlmodel import select

from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.services import record_social, records
from hitrec_app.services.records import RecordInput
from hitrec_app.vocabulary import LIVE_COMMENTS
from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in

SEEDED = LIVE_COMMENTS + 25


def test_newest_comments_show_new_ones_arrive_live_and_older_load_on_request(new_context, live_app):
    # A record with more comments than the page shows live, written straight into the database.
    with session_scope(write=True, url=live_app.env["HITREC_DATABASE_URL"]) as session:
        priya = session.exec(select(User).where(User.username == "priya")).one()
        record = records.submit_record(
            session=session,
            user_id=priya.id or 0,
            data=RecordInput(kind="text", title="Many voices", body="Talk to me."),
        )
        for n in range(SEEDED):
            record_social.add_comment(
                session=session, user_id=priya.id or 0, record_id=record.id or 0, body=f"note {n}."
            )
        record_id = record.id

    watcher = new_context().new_page()  # a visitor, not signed in
    watcher.goto(f"/records/{record_id}")
    expect(watcher.get_by_role("heading", name="Many voices", level=1)).to_be_visible()
    comments = watcher.get_by_role("list", name="Comments")
    expect(comments).to_contain_text(f"note {SEEDED - 1}.")
    expect(comments.get_by_role("listitem")).to_have_count(LIVE_COMMENTS)
    expect(comments).not_to_contain_text("note 0.")
    watcher.evaluate("window.__notReloaded = true")

    tomas = new_context().new_page()
    sign_in(tomas, "tomas")
    tomas.goto(f"/records/{record_id}")
    tomas.get_by_label("Add a comment").fill("Fresh from the other tab.")
    tomas.get_by_role("button", name="Post comment").click()
    expect(comments).to_contain_text("Fresh from the other tab.")
    expect(comments.get_by_role("listitem").last).to_contain_text("Fresh from the other tab.")

    tomas.get_by_role("button", name=re.compile("^Heart")).click()
    expect(watcher.get_by_label("hearts: 1")).to_be_visible()

    screenshot(watcher, "record-live-comments")

    # Older comments load on request, above the live ones, down to the first.
    watcher.get_by_role("button", name="Show older comments").click()
    expect(comments).to_contain_text("note 0.")
    expect(comments.get_by_role("listitem").first).to_contain_text("note 0.")
    expect(comments.get_by_role("listitem")).to_have_count(SEEDED + 1)
    expect(watcher.get_by_role("button", name="Show older comments")).to_have_count(0)
    expect(watcher.get_by_role("button", name="Show skipped comments")).to_have_count(0)

    # More new comments than the live window holds: the ones that slid out of it are offered.
    for n in range(LIVE_COMMENTS + 1):
        tomas.get_by_label("Add a comment").fill(f"burst {n}.")
        tomas.get_by_role("button", name="Post comment").click()
        expect(tomas.get_by_label("Add a comment")).to_have_value("")
    expect(comments.get_by_role("listitem").last).to_contain_text(f"burst {LIVE_COMMENTS}.")
    watcher.get_by_role("button", name="Show skipped comments").click()
    expect(comments.get_by_role("listitem")).to_have_count(SEEDED + 1 + LIVE_COMMENTS + 1)
    expect(comments.get_by_role("listitem").first).to_contain_text("note 0.")
    expect(watcher.get_by_role("button", name="Show skipped comments")).to_have_count(0)
    assert watcher.evaluate("window.__notReloaded") is True
