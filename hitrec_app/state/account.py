"""Sign-up, sign-in and the admins' role management."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.services import accounts
from hitrec_app.services.errors import ServiceError
from hitrec_app.state.args import as_form, as_text
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.vocabulary import ROLES

BAD_ROLE = f"Role must be one of: {', '.join(ROLES)}."


@dataclass(frozen=True)
class MemberRoleRow:
    """A member on the roles page."""

    username: str
    name: str
    role: str


def _client_ip(state: rx.State) -> str:
    return state.router.session.client_ip or "unknown"


def _sign_up_then_in(form: dict[str, str | bool], client_ip: str) -> accounts.SignIn:
    # Argon2 hashing takes ~80 ms of CPU: callers run this in a thread, off the event loop.
    with session_scope(write=True) as session:
        accounts.sign_up(
            session=session,
            username=str(form.get("username", "")),
            password=str(form.get("password", "")),
            display_name=str(form.get("display_name", "")),
            accept_terms=form.get("accept_terms") in (True, "on", "true"),
            client_ip=client_ip,
        )
    return _sign_in(form, client_ip)


def _sign_in(form: dict[str, str | bool], client_ip: str) -> accounts.SignIn:
    with session_scope(write=True) as session:
        return accounts.sign_in(
            session=session,
            username=str(form.get("username", "")),
            password=str(form.get("password", "")),
            client_ip=client_ip,
        )


class SignUpState(AuthState):
    error: str = ""

    @rx.event
    async def submit(self, form_data: dict[str, Any]):
        self.error = ""
        form = as_form(form_data)
        if str(form.get("password", "")) != str(form.get("password_confirm", "")):
            self.error = "The two passwords differ."
            return None
        try:
            result = await asyncio.to_thread(_sign_up_then_in, form, _client_ip(self))
        except ServiceError as err:
            self.error = str(err)
            return None
        self.session_token = result.token
        self._show(result.user)
        return rx.redirect(routes.HOME)


class SignInState(AuthState):
    error: str = ""

    @rx.event
    async def submit(self, form_data: dict[str, Any]):
        self.error = ""
        try:
            result = await asyncio.to_thread(_sign_in, as_form(form_data), _client_ip(self))
        except ServiceError as err:
            self.error = str(err)
            return None
        self.session_token = result.token
        self._show(result.user)
        return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next")))


class AdminUsersState(AuthState):
    rows: rx.Field[list[MemberRoleRow]] = rx.field(default_factory=list)
    error: str = ""
    message: str = ""

    def _load_rows(self) -> None:
        with session_scope() as session:
            self.rows = [
                MemberRoleRow(username=u.username, name=u.display_name, role=u.role)
                for u in accounts.list_users(session=session)
            ]

    @rx.event
    @signed_in_page()
    def load(self, user: User):
        if user.role != "admin":
            self.error = "Only admins can manage roles."
            self.rows = []
            return
        self.error = ""
        self._load_rows()

    @rx.event
    def set_role(self, username: str, role: str):
        self.message = self.error = ""
        name, new_role = as_text(username), as_text(role)
        if new_role not in ROLES:
            self.error = BAD_ROLE
            return
        done = self._write(
            lambda session, actor: (
                accounts.set_role(
                    session=session, actor_id=actor.id, username=name, role=new_role
                ).username
            )
        )
        if done is None:
            return
        self.message = f"{done.value} is now {new_role}."
        self._load_rows()
