"""Productions in real browsers: a host makes one from a challenge, includes records, enters
money in and out and sees the pool; a member sees it all but can change nothing."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import sign_in


def _figure(page: Page, label: str):
    return page.get_by_role("group", name=label)


def _enter_money(page: Page, kind: str, amount: str, source: str) -> None:
    form = page.get_by_role("form", name="Enter money in or out")
    form.get_by_label("Kind").select_option(kind)
    form.get_by_label("Amount").fill(amount)
    form.get_by_label("Source").fill(source)
    form.get_by_role("button", name="Enter it").click()


def test_host_makes_a_production_enters_money_and_a_member_only_looks(new_context):
    # Jules hosts the rain challenge: he makes a production from it, its entry included.
    host = new_context().new_page()
    sign_in(host, "jules")
    host.goto("/challenges")
    host.get_by_role("link", name="Sounds of a rainy city").first.click()
    host.get_by_role("link", name="Make a production from this challenge").click()
    expect(host.get_by_text("Its one entry is included")).to_be_visible()
    host.get_by_label("Title", exact=True).fill("Rain radio")
    host.get_by_label("Currency (ISO code)").fill("EUR")
    host.get_by_label("Contributors' share of the profit (%)").fill("40")
    host.get_by_role("button", name="Make the production").click()
    expect(host.get_by_role("heading", name="Rain radio", level=1)).to_be_visible()
    production_url = host.url
    contributions = host.get_by_role("region", name="Contributions")
    expect(contributions.get_by_role("link", name="Puddles on Rua Augusta")).to_be_visible()
    expect(contributions.get_by_role("link", name="Ada Lindqvist")).to_be_visible()
    expect(_figure(host, "Contributors' pool")).to_contain_text("0.00 EUR")

    # A record of another challenge, included by pasting its link.
    other = new_context().new_page()
    other.goto("/challenges")
    other.get_by_role("link", name="The lighthouse at the end of the world").first.click()
    other.get_by_role("link", name="Storm notes").first.click()
    expect(other.get_by_role("heading", name="Storm notes", level=1)).to_be_visible()
    host.get_by_label("Include a record (number or link)").fill(other.url)
    host.get_by_role("button", name="Include", exact=True).click()
    expect(host.get_by_text("Record included.")).to_be_visible()
    expect(contributions.get_by_role("link", name="Storm notes")).to_be_visible()
    expect(host.get_by_label("Include a record (number or link)")).to_have_value("")

    # Its role and weight change.
    row = host.get_by_role("form", name="Role and weight of Storm notes")
    row.get_by_label("Role").fill("sound design")
    row.get_by_label("Weight").fill("150")
    row.get_by_role("button", name="Save").click()
    expect(host.get_by_text("Contribution saved.")).to_be_visible()
    expect(row.get_by_label("Weight")).to_have_value("150")

    # Money in and out, typed as people write amounts.
    _enter_money(host, "revenue", "1,234.50", "Radio licence")
    expect(host.get_by_text("Revenue entered.")).to_be_visible()
    _enter_money(host, "cost", "234.50", "Studio time")
    expect(host.get_by_text("Cost entered.")).to_be_visible()
    ledger = host.get_by_role("region", name="Money in and out")
    expect(ledger.get_by_role("rowheader", name="Radio licence")).to_be_visible()
    expect(ledger).to_contain_text("−234.50 EUR")
    expect(_figure(host, "Revenue")).to_contain_text("1,234.50 EUR")
    expect(_figure(host, "Profit")).to_contain_text("1,000.00 EUR")
    # 40% of the profit.
    expect(_figure(host, "Contributors' pool")).to_contain_text("400.00 EUR")
    expect(_figure(host, "Contributors' pool")).to_contain_text("40% of the profit")

    # A bad amount: a clear error, and what was typed is still there to correct.
    form = host.get_by_role("form", name="Enter money in or out")
    _enter_money(host, "cost", "12.345", "Tape")
    expect(form.get_by_role("alert")).to_contain_text("EUR has 2 decimal places")
    expect(form.get_by_label("Amount")).to_have_value("12.345")
    expect(form.get_by_label("Source")).to_have_value("Tape")
    expect(_figure(host, "Costs")).to_contain_text("234.50 EUR")
    form.get_by_label("Amount").fill("12.34")
    form.get_by_role("button", name="Enter it").click()
    expect(_figure(host, "Costs")).to_contain_text("246.84 EUR")
    expect(form.get_by_label("Source")).to_have_value("")  # a new, empty form
    screenshot(host, "production-host")

    # A member sees the production, its money and pool, and no host controls.
    member = new_context().new_page()
    sign_in(member, "priya")
    member.goto(production_url)
    expect(member.get_by_role("heading", name="Rain radio", level=1)).to_be_visible()
    expect(_figure(member, "Contributors' pool")).to_contain_text("395.06 EUR")
    table = member.get_by_role("region", name="Contributions")
    expect(table.get_by_role("row", name=re.compile("Storm notes"))).to_contain_text("sound design")
    expect(member.get_by_role("region", name="Pay proposals")).to_contain_text(
        "No pay proposal yet."
    )
    for control in ("Enter it", "Include", "Save settings", "Save"):
        expect(member.get_by_role("button", name=control, exact=True)).to_have_count(0)
    expect(member.get_by_role("form", name="Enter money in or out")).to_have_count(0)
    screenshot(member, "production-member")

    # The production is listed, and the challenge names it.
    member.get_by_role("link", name="Productions", exact=True).click()
    expect(member.get_by_role("article", name="Rain radio")).to_contain_text("395.06 EUR")
    member.goto("/challenges")
    member.get_by_role("link", name="Sounds of a rainy city").first.click()
    expect(member.get_by_role("link", name="Rain radio")).to_be_visible()
    expect(member.get_by_role("link", name="Make a production from this challenge")).to_have_count(
        0
    )
