"""Productions: the list, a production's page (contributions, money, pool) and the new form.

Amounts are typed as people write them ("1,234.50") and read with `pay_math.parse_minor` in
the production's currency; a refused amount keeps what was typed in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import Session, session_scope
from hitrec_app.models import User, utcnow
from hitrec_app.services import challenges, pay_math, productions
from hitrec_app.services.errors import NotFound, ValidationError
from hitrec_app.services.productions import MoneyEntryInput, ProductionInput
from hitrec_app.state.args import (
    BAD_ID,
    as_form,
    as_id,
    as_percent_bps,
    as_text,
    param_id,
    query_id,
)
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.rows import PersonRow, RecordLinkRow, TitledRow
from hitrec_app.vocabulary import STANDARD_WEIGHT

CHOOSE_RECORD = "Enter the number (or link) of the record to include."

# --- view rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductionCardRow:
    """A production on the list."""

    id: int
    title: str
    host: str
    host_username: str
    contributions: int
    revenue: str
    costs: str
    pool: str
    pool_rule: str


@dataclass(frozen=True)
class ContributionRow:
    id: int  # the contribution
    record_id: int
    title: str
    kind: str
    withdrawn: bool
    authors: list[PersonRow]
    role: str
    weight: int


@dataclass(frozen=True)
class MoneyRow:
    id: int
    kind: str  # "revenue" or "cost"
    amount: str  # "1,234.50 USD"
    source: str
    on: str  # "02 Dec 2026"
    note: str


def _money(amount_minor: int, currency: str) -> str:
    return pay_math.format_minor(amount_minor, currency)


def _plain_amount(amount_minor: int | None, currency: str) -> str:
    """An amount as a form shows it for editing: "1,234.50", no currency code."""
    if amount_minor is None:
        return ""
    return _money(amount_minor, currency).rsplit(" ", 1)[0]


def pool_rule(mode: str, share_bps: int) -> str:
    """How the pool is set, in words."""
    if mode == "fixed":
        return "a fixed budget"
    return f"{pay_math.format_bps(share_bps)} of the profit"


def _card(item: productions.ProductionListItem) -> ProductionCardRow:
    s = item.summary
    return ProductionCardRow(
        id=item.id,
        title=item.title,
        host=item.host.display_name,
        host_username=item.host.username,
        contributions=item.contribution_count,
        revenue=_money(s.revenue_minor, s.currency),
        costs=_money(s.costs_minor, s.currency),
        pool=_money(s.pool_minor, s.currency),
        pool_rule=pool_rule(item.pool_mode, item.contributors_share_bps),
    )


def _contribution_row(c: productions.ContributionView) -> ContributionRow:
    return ContributionRow(
        id=c.id,
        record_id=c.record.id,
        title=c.record.title,
        kind=c.record.kind,
        withdrawn=c.record.withdrawn,
        authors=c.authors,
        role=c.role,
        weight=c.weight,
    )


def _money_row(e: productions.MoneyEntryView, currency: str) -> MoneyRow:
    return MoneyRow(
        id=e.id,
        kind=e.kind,
        amount=_money(e.amount_minor, currency),
        source=e.source,
        on=e.occurred_on.strftime("%d %b %Y"),
        note=e.note,
    )


# --- reading what people type --------------------------------------------------------------------


def parse_percent(raw: str) -> int:
    """A percentage as typed ("50", "50 %", "33.33") in basis points, exactly."""
    bps = as_percent_bps(raw)
    if bps is not None:
        return bps
    whole, _, frac = (raw or "").strip().removesuffix("%").strip().partition(".")
    if whole.isdigit() and frac.isdigit() and len(frac) > 2 and int(whole) < 100:
        raise ValidationError("The contributors' share takes at most two decimals, e.g. 33.33.")
    raise ValidationError("The contributors' share must be a percentage from 0 to 100, e.g. 50.")


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError as err:
        raise ValidationError("Give the date as the calendar shows it, e.g. 2026-12-02.") from err


def parse_weight(raw: str) -> int:
    text = (raw or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise ValidationError(
            f"A weight is a whole number, e.g. {STANDARD_WEIGHT} for a standard part."
        )
    return int(text)


def settings_input(form: dict[str, str | bool]) -> ProductionInput:
    """The settings form as the service takes it; a ValidationError names what to fix.

    Amounts are read in the currency typed in the same form."""
    currency = str(form.get("currency", "")).strip().upper()
    if not pay_math.is_currency_code(currency):
        raise ValidationError(
            f"“{currency}” is not a currency code; use an ISO 4217 code such as USD or EUR."
        )
    mode = str(form.get("pool_mode", "share"))
    fixed_text = str(form.get("fixed_pool", "")).strip()
    if mode == "fixed" and not fixed_text:
        raise ValidationError("A fixed pool needs its budget, e.g. 1,000.00.")
    share_text = str(form.get("share", "")).strip()
    return ProductionInput(
        title=str(form.get("title", "")),
        description=str(form.get("description", "")),
        currency=currency,
        pool_mode=mode,
        contributors_share_bps=parse_percent(share_text) if share_text else 5000,
        fixed_pool_minor=pay_math.parse_minor(fixed_text, currency) if fixed_text else None,
        min_payout_minor=pay_math.parse_minor(str(form.get("min_payout", "") or "0"), currency),
    )


# --- the list ----------------------------------------------------------------------------------


class ProductionsState(AuthState):
    items: rx.Field[list[ProductionCardRow]] = rx.field(default_factory=list)

    @rx.event
    def load(self):
        self._show(self._current_user())
        with session_scope() as session:
            self.items = [_card(i) for i in productions.list_productions(session=session)]


# --- a production's page -----------------------------------------------------------------------


class ProductionState(AuthState):
    found: bool = False
    pid: int = 0
    title: str = ""
    description: str = ""
    host_name: str = ""
    host_username: str = ""
    currency: str = ""
    pool_mode: str = "share"
    pool_rule: str = ""
    share: str = ""  # "50" (percent, as the settings form shows it)
    fixed_pool: str = ""  # "1,000.00"
    min_payout: str = ""  # "10.00"
    min_payout_text: str = ""  # "10.00 USD"
    revenue_total: str = ""
    costs_total: str = ""
    profit: str = ""
    loss: bool = False  # costs exceed revenue
    pool: str = ""
    challenges: rx.Field[list[TitledRow]] = rx.field(default_factory=list)
    contributions: rx.Field[list[ContributionRow]] = rx.field(default_factory=list)
    entries: rx.Field[list[MoneyRow]] = rx.field(default_factory=list)  # newest first
    candidates: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    can_manage: bool = False
    currency_locked: bool = False
    today: str = ""  # the money form's default date
    # Each part of the page says what went wrong or was done next to its own form.
    error: str = ""
    contribution_error: str = ""
    contribution_message: str = ""
    money_error: str = ""
    money_message: str = ""
    settings_error: str = ""
    settings_message: str = ""
    # Bumped when a form should be drawn anew, empty or with the saved values (inputs read
    # `default_value` only when first drawn); a refused form keeps what was typed.
    money_form: int = 0
    settings_form: int = 0

    def _load(self, viewer: User | None) -> None:
        with session_scope() as session:
            view = productions.production_view(
                session=session, production_id=self.pid, viewer=viewer
            )
        cur, summary = view.currency, view.summary
        self.found = True
        self.title, self.description = view.title, view.description
        self.host_name, self.host_username = view.host.display_name, view.host.username
        self.currency, self.pool_mode = cur, view.pool_mode
        self.pool_rule = pool_rule(view.pool_mode, view.contributors_share_bps)
        self.share = pay_math.format_bps(view.contributors_share_bps).rstrip("%")
        self.fixed_pool = _plain_amount(view.fixed_pool_minor, cur)
        self.min_payout = _plain_amount(view.min_payout_minor, cur)
        self.min_payout_text = _money(view.min_payout_minor, cur)
        self.revenue_total = _money(summary.revenue_minor, cur)
        self.costs_total = _money(summary.costs_minor, cur)
        self.profit = _money(summary.profit_minor, cur)
        self.loss = summary.profit_minor < 0
        self.pool = _money(summary.pool_minor, cur)
        self.challenges = [TitledRow(c.id, c.title) for c in view.challenges]
        self.contributions = [_contribution_row(c) for c in view.contributions]
        self.entries = [_money_row(e, cur) for e in view.money]
        self.candidates = view.candidates
        self.can_manage = view.can_manage
        self.currency_locked = view.currency_locked
        self.today = utcnow().date().isoformat()

    @rx.event
    def load(self):
        viewer = self._current_user()
        self._show(viewer)
        self.found = False
        self.error = self.contribution_error = self.contribution_message = ""
        self.money_error = self.money_message = self.settings_error = self.settings_message = ""
        self.money_form += 1
        self.settings_form += 1
        pid = param_id(self)
        if pid is None:
            return
        self.pid = pid
        try:
            self._load(viewer)
        except NotFound:
            self.pid = 0

    def _change(
        self,
        action: Callable[[Session, User], Any],
        *,
        area: str,
        done: str,
    ) -> bool:
        """Do `action` as the signed-in user; its refusal or `done` shows beside the form of
        `area` ("contribution", "money" or "settings"). Then show the production as it is."""
        if not self.pid:
            setattr(self, f"{area}_error", BAD_ID)
            return False
        result = self._write(
            action, error_var=f"{area}_error", message_var=f"{area}_message", done=done
        )
        if result is not None:
            try:
                self._load(result.user)
            except NotFound:
                self.found = False
        return result is not None

    # --- contributions ---

    @rx.event
    def include_record(self, form_data: dict):
        form = as_form(form_data)
        raw = str(form.get("record", "")).strip().lstrip("#")
        record_id = as_id(raw.rstrip("/").rsplit("/", 1)[-1])  # a pasted record link too
        if record_id is None:
            self.contribution_message, self.contribution_error = "", CHOOSE_RECORD
            return None
        role = as_text(form.get("role", ""), max_len=100).strip() or None
        included = self._change(
            lambda session, user: (
                productions.include_record(
                    session=session,
                    user_id=user.id or 0,
                    production_id=self.pid,
                    record_id=record_id,
                    role=role,
                ).id
            ),
            area="contribution",
            done="Record included.",
        )
        # A refused record stays in the field to be corrected.
        return rx.set_value("field-record", "") if included else None

    @rx.event
    def include_candidate(self, record_id: int):
        rid = as_id(record_id)
        if rid is None:
            self.contribution_message, self.contribution_error = "", BAD_ID
            return
        self._change(
            lambda session, user: (
                productions.include_record(
                    session=session, user_id=user.id or 0, production_id=self.pid, record_id=rid
                ).id
            ),
            area="contribution",
            done="Record included.",
        )

    @rx.event
    def save_contribution(self, form_data: dict):
        form = as_form(form_data)
        cid = as_id(form.get("contribution"))
        if cid is None:
            self.contribution_message, self.contribution_error = "", BAD_ID
            return

        def save(session: Session, user: User) -> int:
            return (
                productions.update_contribution(
                    session=session,
                    user_id=user.id or 0,
                    contribution_id=cid,
                    role=str(form.get("role", "")),
                    weight=parse_weight(str(form.get("weight", ""))),
                    production_id=self.pid,
                ).id
                or 0
            )

        self._change(save, area="contribution", done="Contribution saved.")

    @rx.event
    def remove_contribution(self, contribution_id: int):
        cid = as_id(contribution_id)
        if cid is None:
            self.contribution_message, self.contribution_error = "", BAD_ID
            return
        self._change(
            lambda session, user: productions.remove_contribution(
                session=session, user_id=user.id or 0, contribution_id=cid, production_id=self.pid
            ),
            area="contribution",
            done="Contribution removed.",
        )

    # --- money ---

    @rx.event
    def add_money(self, form_data: dict):
        form = as_form(form_data)

        def add(session: Session, user: User) -> int:
            data = MoneyEntryInput(
                kind=str(form.get("kind", "")),
                amount_minor=pay_math.parse_minor(str(form.get("amount", "")), self.currency),
                source=str(form.get("source", "")),
                occurred_on=parse_day(str(form.get("occurred_on", ""))),
                note=str(form.get("note", "")),
            )
            return (
                productions.add_money_entry(
                    session=session, user_id=user.id or 0, production_id=self.pid, data=data
                ).id
                or 0
            )

        kind = "Revenue" if form.get("kind") == "revenue" else "Cost"
        if self._change(add, area="money", done=f"{kind} entered."):
            self.money_form += 1  # drawn anew, empty, for the next entry

    @rx.event
    def remove_money(self, entry_id: int):
        eid = as_id(entry_id)
        if eid is None:
            self.money_message, self.money_error = "", BAD_ID
            return
        self._change(
            lambda session, user: productions.remove_money_entry(
                session=session, user_id=user.id or 0, entry_id=eid, production_id=self.pid
            ),
            area="money",
            done="Entry removed.",
        )

    # --- settings ---

    @rx.event
    def save_settings(self, form_data: dict):
        form = as_form(form_data)

        def save(session: Session, user: User) -> int:
            return (
                productions.update_production(
                    session=session,
                    user_id=user.id or 0,
                    production_id=self.pid,
                    data=settings_input(form),
                ).id
                or 0
            )

        if self._change(save, area="settings", done="Settings saved."):
            self.settings_form += 1  # the saved values, as the production now has them


# --- the new-production form ---------------------------------------------------------------------


class ProductionFormState(AuthState):
    allowed: bool = False
    challenge_id: int = 0
    challenge_title: str = ""
    challenge_entries: int = 0
    error: str = ""
    loads: int = 0

    @rx.event
    @signed_in_page(keep_query=("challenge",))
    def load(self, user: User):
        self.error, self.challenge_id, self.challenge_title = "", 0, ""
        self.challenge_entries = 0
        self.loads += 1
        self.allowed = productions.is_host(user)
        if not self.allowed:
            self.error = "Only hosts can make productions."
            return
        cid = query_id(self, "challenge")
        if cid is None:
            return
        with session_scope() as session:
            try:
                challenge = challenges.get_challenge(session=session, challenge_id=cid, viewer=user)
            except NotFound:
                self.error = "That challenge does not exist."
                return
            counts = challenges.entry_counts(session=session, challenge_ids=[cid])
        if not challenges.can_manage(user, challenge):
            self.error = "Only the challenge's host can make a production from it."
            return
        self.challenge_id, self.challenge_title = cid, challenge.title
        self.challenge_entries = counts.get(cid, 0)

    @rx.event
    def submit(self, form_data: dict):
        form = as_form(form_data)

        def create(session: Session, user: User) -> int:
            return (
                productions.create_production(
                    session=session,
                    user_id=user.id or 0,
                    data=settings_input(form),
                    from_challenge_id=self.challenge_id or None,
                ).id
                or 0
            )

        done = self._write(create)
        return None if done is None else rx.redirect(routes.production_url(done.value))
