"""Productions: the list, a production's page and the new-production form."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from hitrec_app import routes
from hitrec_app.components.dialogs import confirm_dialog
from hitrec_app.components.forms import (
    form_stack,
    inline_form,
    select_field,
    text_area_field,
    text_field,
)
from hitrec_app.components.layout import (
    dead_end,
    error_callout,
    item_page,
    link_button,
    page_title,
    small_button,
    success_callout,
    titled_page,
)
from hitrec_app.components.money import amount_cell, figure, figures
from hitrec_app.components.proposals import state_badge
from hitrec_app.components.records import kind_badge, record_link, withdrawn_badge
from hitrec_app.components.sections import (
    CARD_COLUMNS,
    card_grid,
    grid_card,
    note,
    panel,
    region,
    section,
    wrap_row,
)
from hitrec_app.state.base import AuthState
from hitrec_app.state.productions import (
    ContributionRow,
    MoneyRow,
    ProductionCardRow,
    ProductionFormState,
    ProductionsState,
    ProductionState,
)
from hitrec_app.state.proposals import ProductionProposalsState, ProposalLinkRow
from hitrec_app.state.rows import PersonRow, RecordLinkRow
from hitrec_app.vocabulary import CONTRIBUTION_ROLES, CONTRIBUTION_WEIGHT_MAX, STANDARD_WEIGHT

POOL_MODE_CHOICES = (("share", "A share of the profit"), ("fixed", "A fixed budget"))
MONEY_KIND_CHOICES = (("revenue", "Revenue (money in)"), ("cost", "Cost (money out)"))
ROLES_LIST_ID = "contribution-roles"
# The ledger's date has a column of its own on a wide screen, and sits under the source on a
# phone (where four columns of amounts do not fit).
WIDE_ONLY = rx.breakpoints(initial="none", sm="table-cell")
NARROW_ONLY = rx.breakpoints(initial="block", sm="none")


# --- the list ----------------------------------------------------------------------------------


def _production_card(item: ObjectVar[ProductionCardRow]) -> rx.Component:
    return grid_card(
        item.title,
        rx.link(rx.heading(item.title, size="4", as_="h3"), href=routes.production_url(item.id)),
        note("hosted by ", item.host, " · ", item.contributions, " contributions"),
        rx.vstack(
            rx.text("Contributors' pool", size="1", weight="medium", color_scheme="gray"),
            rx.text(item.pool, size="5", weight="bold", color_scheme="grass"),
            note(item.pool_rule, size="1"),
            spacing="0",
        ),
        note("revenue ", item.revenue, " · costs ", item.costs, size="1"),
    )


def productions_index() -> rx.Component:
    return titled_page(
        "Productions",
        card_grid(
            ProductionsState.items,
            _production_card,
            empty="No productions yet.",
            columns=CARD_COLUMNS,
        ),
        actions=[
            rx.cond(
                AuthState.is_host,
                link_button("New production", routes.PRODUCTION_NEW, icon="plus"),
            )
        ],
        intro=(
            "What the studio makes from its records: who contributed, the money in and out, "
            "and the contributors' pool that pay proposals split."
        ),
        size="8",
        spacing="5",
    )


# --- the settings fields (the new form, and the host's panel on the page) ----------------------


def _settings_fields(
    *,
    title: str | rx.Var[str],
    description: str | rx.Var[str],
    currency: str | rx.Var[str],
    currency_locked: bool | rx.Var[bool],
    pool_mode: str | rx.Var[str],
    share: str | rx.Var[str],
    fixed_pool: str | rx.Var[str],
    min_payout: str | rx.Var[str],
) -> list[rx.Component]:
    return [
        text_field("Title", "title", default_value=title, required=True, max_length=200),
        text_area_field("Description", "description", default_value=description, rows=3),
        text_field(
            "Currency (ISO code)",
            "currency",
            default_value=currency,
            max_length=3,
            read_only=currency_locked,
            hint="Every amount of the production is in this one currency, e.g. USD, EUR, GBP.",
        ),
        rx.cond(
            currency_locked,
            note("The currency is fixed: a pay proposal already splits the money in it.", size="1"),
        ),
        select_field(
            "The contributors' pool is",
            "pool_mode",
            POOL_MODE_CHOICES,
            default_value=pool_mode,
        ),
        wrap_row(
            rx.box(
                text_field(
                    "Contributors' share of the profit (%)",
                    "share",
                    default_value=share,
                    inputmode="decimal",
                    placeholder="50",
                    hint="For a share of the profit (hitRECord used 50%).",
                ),
                flex="1",
                min_width="14em",
            ),
            rx.box(
                text_field(
                    "Fixed budget",
                    "fixed_pool",
                    default_value=fixed_pool,
                    inputmode="decimal",
                    placeholder="1,000.00",
                    hint="For a fixed budget, whatever the profit.",
                ),
                flex="1",
                min_width="14em",
            ),
            rx.box(
                text_field(
                    "Minimum payout",
                    "min_payout",
                    default_value=min_payout,
                    inputmode="decimal",
                    placeholder="10.00",
                    hint="Smaller amounts carry forward to the contributor's balance.",
                ),
                flex="1",
                min_width="14em",
            ),
            align="start",
            width="100%",
        ),
    ]


# --- a production's page -----------------------------------------------------------------------


def _header() -> rx.Component:
    s = ProductionState
    return rx.fragment(
        rx.hstack(rx.link("← All productions", href=routes.PRODUCTIONS, size="2"), width="100%"),
        page_title(s.title, size="8"),
        note(
            "hosted by ",
            rx.link(s.host_name, href=routes.user_url(s.host_username)),
            " · amounts in ",
            s.currency,
            size=None,
        ),
        rx.cond(s.description != "", rx.text(s.description, white_space="pre-wrap")),
        rx.foreach(
            s.challenges,
            lambda c: rx.text(
                "Made from the challenge ",
                rx.link(c.title, href=routes.challenge_url(c.id)),
                size="2",
            ),
        ),
    )


def _money_figures() -> rx.Component:
    s = ProductionState
    return figures(
        figure("Revenue", s.revenue_total, hint="money in"),
        figure("Costs", s.costs_total, hint="money out"),
        figure("Profit", s.profit, hint="revenue − costs", loss=s.loss),
        figure(
            "Contributors' pool",
            s.pool,
            hint=rx.cond(
                s.pool_mode == "fixed",
                "a fixed budget",
                s.pool_rule + ", rounded down to the cent",
            ),
            accent=True,
        ),
        label="Money summary",
    )


# --- contributions ---


def _authors(authors: rx.Var[list[PersonRow]]) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            authors,
            lambda a: rx.link(a.display_name, href=routes.user_url(a.username), size="2"),
        ),
        spacing="2",
        wrap="wrap",
    )


def _contribution_title(row: ObjectVar[ContributionRow]) -> rx.Component:
    return rx.hstack(
        kind_badge(row.kind),
        rx.link(row.title, href=routes.record_url(row.record_id), weight="medium"),
        rx.cond(row.withdrawn, withdrawn_badge()),
        align="center",
        spacing="2",
        wrap="wrap",
    )


def _contribution_editor(row: ObjectVar[ContributionRow]) -> rx.Component:
    s = ProductionState
    return inline_form(
        text_field(
            "Role",
            "role",
            field_id=f"role-{row.id}",
            default_value=row.role,
            custom_attrs={"list": ROLES_LIST_ID},
            max_length=40,
        ),
        rx.box(
            text_field(
                "Weight",
                "weight",
                field_id=f"weight-{row.id}",
                default_value=row.weight.to_string(),
                inputmode="numeric",
            ),
            width="6em",
            flex_shrink="0",
        ),
        rx.el.input(type="hidden", name="contribution", value=row.id),
        rx.button("Save", type="submit", size="2", variant="soft"),
        confirm_dialog(
            rx.button("Remove", type="button", size="2", variant="soft", color_scheme="red"),
            title="Remove this contribution?",
            description=f"“{row.title}” will no longer be part of the production.",
            confirm="Remove it",
            on_confirm=s.remove_contribution(row.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
        ),
        # A form's submit handler is compiled outside the list's loop, so it cannot name the
        # row: the contribution goes with the form (the service checks who may change it).
        on_submit=s.save_contribution,
        label=f"Role and weight of {row.title}",
        align="end",
        # Drawn anew when the saved role or weight changes (inputs read default_value once).
        key=f"{row.id}-{row.role}-{row.weight}",
    )


def _contribution_row(row: ObjectVar[ContributionRow]) -> rx.Component:
    s = ProductionState
    return rx.table.row(
        rx.table.row_header_cell(_contribution_title(row)),
        rx.table.cell(_authors(row.authors)),
        rx.cond(
            s.can_manage,
            rx.table.cell(_contribution_editor(row), col_span=2),
            rx.fragment(
                rx.table.cell(rx.badge(row.role, variant="surface")),
                rx.table.cell(row.weight, text_align="right"),
            ),
        ),
    )


def _contributions_table() -> rx.Component:
    s = ProductionState
    return rx.cond(
        s.contributions.length() > 0,
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Record"),
                    rx.table.column_header_cell("By"),
                    rx.cond(
                        s.can_manage,
                        rx.table.column_header_cell("Role and weight", col_span=2),
                        rx.fragment(
                            rx.table.column_header_cell("Role"),
                            rx.table.column_header_cell("Weight", text_align="right"),
                        ),
                    ),
                )
            ),
            rx.table.body(rx.foreach(s.contributions, _contribution_row)),
            variant="surface",
            width="100%",
        ),
        note("No records are included yet."),
    )


def _candidate(row: ObjectVar[RecordLinkRow]) -> rx.Component:
    return rx.hstack(
        record_link(row),
        small_button(
            "Include",
            on_click=ProductionState.include_candidate(row.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
            aria_label=f"Include {row.title}",
        ),
        align="center",
        spacing="3",
    )


def _include_forms() -> rx.Component:
    s = ProductionState
    return rx.vstack(
        # Not reset on submit: a refused record stays in the field to be corrected.
        inline_form(
            text_field("Include a record (number or link)", "record", placeholder="e.g. 12"),
            select_field(
                "Role",
                "role",
                [(r, r.capitalize()) for r in CONTRIBUTION_ROLES],
                first=("", "From its kind"),
                field_id="field-include-role",
            ),
            rx.button("Include", type="submit", variant="soft", size="3"),
            on_submit=s.include_record,
            label="Include a record",
            align="end",
        ),
        rx.cond(
            s.candidates.length() > 0,
            section(
                "Entries of its challenge not included yet",
                s.candidates,
                _candidate,
                empty="",
                level=3,
                size="3",
            ),
        ),
        spacing="3",
        width="100%",
    )


def _contributions() -> rx.Component:
    s = ProductionState
    return region(
        "Contributions",
        rx.heading("Contributions", size="6", as_="h2"),
        note(
            "Each record takes part in a role, with a weight (",
            str(STANDARD_WEIGHT),
            " is a standard part, 0 to ",
            str(CONTRIBUTION_WEIGHT_MAX),
            "). Pay proposals start from these.",
        ),
        error_callout(s.contribution_error),
        success_callout(s.contribution_message),
        _contributions_table(),
        rx.cond(s.can_manage, _include_forms()),
        rx.el.datalist(*[rx.el.option(value=r) for r in CONTRIBUTION_ROLES], id=ROLES_LIST_ID),
        spacing="3",
    )


# --- money in and out ---


def _entry_row(row: ObjectVar[MoneyRow]) -> rx.Component:
    s = ProductionState
    revenue = row.kind == "revenue"
    return rx.table.row(
        rx.table.cell(row.on, white_space="nowrap", display=WIDE_ONLY),
        rx.table.row_header_cell(
            rx.vstack(
                rx.text(row.source, weight="medium"),
                rx.cond(row.note != "", note(row.note, size="1")),
                note(row.on, size="1", display=NARROW_ONLY),
                spacing="0",
            )
        ),
        amount_cell(rx.cond(revenue, row.amount, "")),
        amount_cell(rx.cond(revenue, "", f"−{row.amount}"), color="var(--red-11)"),
        rx.cond(
            s.can_manage,
            rx.table.cell(
                confirm_dialog(
                    small_button(
                        rx.icon("trash-2", size=14),
                        color_scheme="red",
                        variant="ghost",
                        aria_label=f"Remove entry {row.source}",
                    ),
                    title="Remove this entry?",
                    description=f"{row.source}: {row.amount} on {row.on}.",
                    confirm="Remove it",
                    on_confirm=s.remove_money(row.id),  # type: ignore[operator]  # mypy ignores rx.event's __new__ return type
                ),
            ),
        ),
    )


def _total_row(label: str, revenue: rx.Component, costs: rx.Component) -> rx.Component:
    return rx.table.row(
        rx.table.cell(display=WIDE_ONLY),
        rx.table.row_header_cell(rx.text(label, weight="bold")),
        revenue,
        costs,
        rx.cond(ProductionState.can_manage, rx.table.cell()),
        style={"background": "var(--gray-a2)"},
    )


def _ledger() -> rx.Component:
    s = ProductionState
    return rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Date", display=WIDE_ONLY),
                rx.table.column_header_cell("Source"),
                rx.table.column_header_cell("In", text_align="right"),
                rx.table.column_header_cell("Out", text_align="right"),
                rx.cond(
                    s.can_manage,
                    rx.table.column_header_cell(aria_label="Remove"),
                ),
            )
        ),
        rx.table.body(
            rx.foreach(s.entries, _entry_row),
            rx.cond(
                s.entries.length() == 0,
                rx.table.row(
                    rx.table.cell(note("No money in or out yet."), col_span=5),
                ),
            ),
            _total_row(
                "Totals",
                amount_cell(rx.text(s.revenue_total, weight="bold")),
                amount_cell(rx.text("−", s.costs_total, weight="bold"), color="var(--red-11)"),
            ),
            _total_row(
                "Profit",
                amount_cell(
                    rx.text(s.profit, weight="bold", color_scheme=rx.cond(s.loss, "red", "grass")),
                    col_span=2,
                ),
                rx.fragment(),
            ),
        ),
        variant="surface",
        width="100%",
    )


def _money_form() -> rx.Component:
    s = ProductionState
    return rx.card(
        form_stack(
            rx.heading("Enter money in or out", size="3", as_="h3"),
            error_callout(s.money_error),
            wrap_row(
                rx.box(
                    select_field("Kind", "kind", MONEY_KIND_CHOICES, default_value="revenue"),
                    min_width="12em",
                ),
                rx.box(
                    text_field(
                        "Amount",
                        "amount",
                        placeholder="1,234.50",
                        inputmode="decimal",
                        required=True,
                        hint=f"In {s.currency}, e.g. 1,234.50",
                    ),
                    flex="1",
                    min_width="10em",
                ),
                rx.box(
                    text_field("Date", "occurred_on", type="date", default_value=s.today),
                    min_width="10em",
                ),
                align="start",
                width="100%",
            ),
            text_field(
                "Source",
                "source",
                placeholder="e.g. Festival screening fee, or Sound mixing",
                required=True,
                max_length=200,
            ),
            text_field("Note (optional)", "note", max_length=500),
            rx.button("Enter it", type="submit"),
            on_submit=s.add_money,
            label="Enter money in or out",
            key=s.money_form,
        ),
        width="100%",
    )


def _money() -> rx.Component:
    s = ProductionState
    return region(
        "Money in and out",
        rx.heading("Money in and out", size="6", as_="h2"),
        success_callout(s.money_message),
        rx.cond(~s.can_manage, error_callout(s.money_error)),
        _ledger(),
        note(
            "The pool is ",
            s.pool_rule,
            rx.cond(s.pool_mode == "fixed", "", ", rounded down to the cent"),
            ". Amounts under the minimum payout (",
            s.min_payout_text,
            ") carry forward to the contributor's balance; nothing is lost.",
        ),
        rx.cond(s.can_manage, _money_form()),
        spacing="3",
    )


# --- pay proposals (listed by the proposals pages) ---


def _proposal_link(p: ObjectVar[ProposalLinkRow]) -> rx.Component:
    return wrap_row(
        rx.link(p.title, href=routes.proposal_url(p.id), weight="bold"),
        state_badge(p.state),
        note("version ", p.version, size="1"),
        rx.cond(p.closes != "", note("feedback closes ", p.closes, size="1")),
        spacing="2",
    )


def proposals_section() -> rx.Component:
    """The production's pay proposals (signed-in members see them), and its host's button
    to draft one with the split the evidence suggests."""
    pp = ProductionProposalsState
    return region(
        "Pay proposals",
        section(
            "Pay proposals",
            pp.proposals,
            _proposal_link,
            empty=rx.cond(
                AuthState.signed_in,
                "No pay proposal yet.",
                "Sign in to see this production's pay proposals.",
            ),
            actions=rx.cond(
                pp.can_draft,
                rx.button(
                    rx.icon("file-plus", size=16),
                    "Draft a pay proposal",
                    on_click=pp.draft_proposal,
                    variant="soft",
                ),
            ),
            size="6",
            list_style="divided",
            label="Pay proposals",
        ),
        error_callout(pp.draft_error),
        spacing="3",
    )


# --- settings ---


def _settings_panel() -> rx.Component:
    s = ProductionState
    return panel(
        "Pool settings",
        error_callout(s.settings_error),
        success_callout(s.settings_message),
        form_stack(
            *_settings_fields(
                title=s.title,
                description=s.description,
                currency=s.currency,
                currency_locked=s.currency_locked,
                pool_mode=s.pool_mode,
                share=s.share,
                fixed_pool=s.fixed_pool,
                min_payout=s.min_payout,
            ),
            rx.button("Save settings", type="submit"),
            on_submit=s.save_settings,
            label="Pool settings",
            key=s.settings_form,
        ),
    )


def production_page() -> rx.Component:
    s = ProductionState
    return item_page(
        s.found,
        dead_end("No such production", back=("See all productions", routes.PRODUCTIONS)),
        _header(),
        _money_figures(),
        _contributions(),
        rx.divider(),
        _money(),
        rx.divider(),
        proposals_section(),
        rx.cond(s.can_manage, _settings_panel()),
        spacing="5",
    )


# --- the new-production form -------------------------------------------------------------------


def _from_challenge() -> rx.Component:
    f = ProductionFormState
    return rx.cond(
        f.challenge_id > 0,
        rx.callout(
            rx.text(
                "Made from the challenge ",
                rx.link(f.challenge_title, href=routes.challenge_url(f.challenge_id)),
                rx.match(
                    f.challenge_entries,
                    (0, ". It has no entries yet: include records once it has some."),
                    (1, ". Its one entry is included, in the role its kind suggests."),
                    f". Its {f.challenge_entries} entries are included, each in the role its "
                    "kind suggests.",
                ),
            ),
            icon="clapperboard",
            color_scheme="blue",
            width="100%",
        ),
    )


def production_form() -> rx.Component:
    f = ProductionFormState
    return item_page(
        f.allowed,
        dead_end(
            "Productions",
            error_callout(f.error),
            back=("See all productions", routes.PRODUCTIONS),
        ),
        form_stack(
            page_title("New production"),
            _from_challenge(),
            error_callout(f.error),
            *_settings_fields(
                title=f.challenge_title,
                description="",
                currency="USD",
                currency_locked=False,
                pool_mode="share",
                share="50",
                fixed_pool="",
                min_payout="10.00",
            ),
            rx.button("Make the production", type="submit", size="3"),
            on_submit=f.submit,
            label="New production",
            spacing="4",
            max_width="40em",
            key=f.loads,
        ),
    )
