"""The base state: who is asking, decided on the server for every event."""

from __future__ import annotations

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import User
from hitrec_app.services import accounts


class AuthState(rx.State):
    """Holds the browser's session token and what the pages show about the user.

    The display vars are for rendering only; every handler that reads or changes
    data calls `_require_user()`, which resolves the token against the database.
    """

    session_token: str = rx.LocalStorage("", name="hitrec_session", sync=True)
    username: str = ""
    display_name: str = ""
    role: str = ""
    unread_count: int = 0

    @rx.var
    def signed_in(self) -> bool:
        return self.username != ""

    @rx.var
    def is_admin(self) -> bool:
        return self.role == "admin"

    @rx.var
    def is_host(self) -> bool:
        return self.role in ("host", "admin")

    def _current_user(self) -> User | None:
        with session_scope() as session:
            return accounts.user_for_token(session=session, token=self.session_token)

    def _require_user(self) -> User:
        user = self._current_user()
        if user is None:
            self._show(None)
            raise PermissionError("Please sign in first.")
        return user

    def _show(self, user: User | None) -> None:
        self.username = user.username if user else ""
        self.display_name = user.display_name if user else ""
        self.role = user.role if user else ""

    @rx.event
    def load_user(self):
        """on_load of every page: refresh what the navigation bar shows."""
        self._show(self._current_user())

    @rx.event
    def require_signed_in(self):
        """on_load of pages that need a user: send others to sign-in and back."""
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        return None

    @rx.event
    def sign_out(self):
        with session_scope(write=True) as session:
            accounts.sign_out(session=session, token=self.session_token)
        self.session_token = ""
        self._show(None)
        return rx.redirect(routes.HOME)
