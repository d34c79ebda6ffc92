"""Authors edit their records and citations; a remixed record withdraws to a stub."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in


def _submit_text(page: Page, title: str, body: str, tags: str = "") -> str:
    page.goto("/records/new")
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label(re.compile(r"^Text \(Markdown")).fill(body)
    if tags:
        page.get_by_label(re.compile(r"^Tags")).fill(tags)
    page.get_by_role("button", name="Submit record").click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def test_author_edits_title_tags_and_citations_others_see_no_controls(new_context):
    priya = new_context().new_page()
    sign_in(priya, "priya")
    tide_id = _submit_text(priya, "Tide table", "High water at six.")
    _submit_text(priya, "Harbour song", "The cranes sing at dusk.", tags="song")
    song_url = priya.url
    expect(priya.get_by_text("#song", exact=True)).to_be_visible()

    # Title and tags.
    priya.get_by_role("button", name="Edit title, description and tags").click()
    priya.get_by_label("Title", exact=True).fill("Harbour song (final)")
    priya.get_by_label("Tags (comma separated)").fill("song, sea")
    priya.get_by_role("button", name="Save").click()
    expect(priya.get_by_role("heading", name="Harbour song (final)", level=1)).to_be_visible()
    expect(priya.get_by_text("Saved.")).to_be_visible()
    expect(priya.get_by_text("#sea", exact=True)).to_be_visible()
    expect(priya.get_by_text("#song", exact=True)).to_be_visible()

    # A citation added by number shows in "Built from" and in the lineage graph ...
    built_from = priya.get_by_role("heading", name="Built from").locator("..")
    expect(built_from).to_contain_text("Nothing: an original.")
    priya.get_by_label("Cite another record (number or link)").fill(tide_id)
    priya.get_by_role("button", name="Add citation").click()
    expect(priya.get_by_text("Citation added.")).to_be_visible()
    expect(built_from.get_by_role("link", name="Tide table")).to_be_visible()
    graph = priya.get_by_role("figure", name=re.compile("Lineage graph"))
    expect(graph.get_by_role("link", name=re.compile(r"^Tide table, text by"))).to_be_visible()
    # ... and a record cannot cite itself.
    priya.get_by_label("Cite another record (number or link)").fill(song_url)
    priya.get_by_role("button", name="Add citation").click()
    expect(priya.get_by_role("alert")).to_contain_text("cannot cite itself")

    # Removing it takes it out again.
    priya.get_by_role("button", name="Remove citation of Tide table").click()
    expect(priya.get_by_text("Citation removed.")).to_be_visible()
    expect(built_from).to_contain_text("Nothing: an original.")
    expect(graph.get_by_role("link", name=re.compile(r"^Tide table"))).to_have_count(0)

    # Someone else sees the record but none of the author's controls.
    ada = new_context().new_page()
    sign_in(ada, "ada")
    ada.goto(song_url)
    expect(ada.get_by_role("heading", name="Harbour song (final)", level=1)).to_be_visible()
    expect(ada.get_by_role("link", name="Remix this")).to_be_visible()  # the page is ready
    expect(ada.get_by_role("heading", name="Your record")).to_have_count(0)
    expect(ada.get_by_role("button", name="Edit title, description and tags")).to_have_count(0)
    expect(ada.get_by_role("button", name="Withdraw record")).to_have_count(0)
    expect(ada.get_by_role("button", name="Add citation")).to_have_count(0)
    expect(ada.get_by_label("Cite another record (number or link)")).to_have_count(0)


def test_withdrawing_a_remixed_record_leaves_a_stub_with_title_and_credits(new_context):
    priya = new_context().new_page()
    sign_in(priya, "priya")
    _submit_text(priya, "Ferry at midnight", "SECRET VERSE: the ferry hums a lullaby.")
    original_url = priya.url

    ada = new_context().new_page()
    sign_in(ada, "ada")
    ada.goto(original_url)
    ada.get_by_role("link", name="Remix this").click()
    expect(ada.get_by_role("heading", name="Remix", level=1)).to_be_visible()
    ada.get_by_label("Title", exact=True).fill("Ferry at noon")
    ada.get_by_label(re.compile(r"^Text \(Markdown")).fill("The ferry, in daylight.")
    ada.get_by_role("button", name="Submit record").click()
    expect(ada.get_by_role("heading", name="Ferry at noon", level=1)).to_be_visible()
    remix_url = ada.url

    # The author withdraws the original (after confirming).
    priya.goto(original_url)
    expect(priya.get_by_text("SECRET VERSE")).to_be_visible()
    priya.get_by_role("button", name="Withdraw record").click()
    priya.get_by_role("alertdialog").get_by_role("button", name="Withdraw").click()
    expect(priya.get_by_text("Withdrawn. Others built on this record")).to_be_visible()

    # Anyone opening it now sees a stub: title and credit kept, body gone.
    visitor = new_context().new_page()
    visitor.goto(original_url)
    expect(visitor.get_by_role("heading", name="Ferry at midnight", level=1)).to_be_visible()
    expect(visitor.get_by_text("withdrawn", exact=True).first).to_be_visible()
    expect(visitor.get_by_role("link", name=re.compile("^Priya Raman"))).to_be_visible()
    expect(visitor.get_by_text("The author withdrew this record.")).to_be_visible()
    expect(visitor.get_by_text("SECRET VERSE")).to_have_count(0)
    expect(visitor.locator(".record-body")).to_have_count(0)
    expect(visitor.get_by_role("link", name="Remix this")).to_have_count(0)

    # The remix keeps its lineage and still credits Priya.
    visitor.goto(remix_url)
    credits = visitor.get_by_role("region", name="Credits upstream")
    expect(credits.get_by_role("link", name="Priya Raman")).to_be_visible()
    expect(credits).to_contain_text("Ferry at midnight")
    graph = visitor.get_by_role("figure", name=re.compile("Lineage graph"))
    expect(
        graph.get_by_role("link", name=re.compile(r"^Ferry at midnight.*\(withdrawn\)"))
    ).to_be_visible()
