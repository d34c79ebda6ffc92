"""The base state: who is asking, decided on the server for every event.

Two patterns every state uses (and new code copies):

- `_write(action)`: the signed-in user does a write through a service; a refusal
  (not signed in, not allowed, invalid input) becomes a clear message in a var of
  the state, never an exception.
- `@signed_in_page`: the `on_load` of a page that needs a user sends everyone else
  to sign in and back, then runs with the user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import Session, session_scope
from hitrec_app.models import User
from hitrec_app.services import accounts
from hitrec_app.services.errors import ServiceError
from hitrec_app.state.args import as_id

T = TypeVar("T")
S = TypeVar("S", bound="AuthState")


@dataclass(frozen=True)
class Done(Generic[T]):
    """A write that went through: what the service returned, and who did it."""

    value: T
    user: User


def signed_in_page(
    *, keep_query: tuple[str, ...] = ()
) -> Callable[[Callable[[S, User], Any]], Callable[[S], Any]]:
    """Decorates the `on_load` handler of a page that needs a signed-in user.

    Signed out: redirect to sign-in with a way back (the path, plus the numeric query
    parameters named in `keep_query`). Signed in: the handler runs with the user,
    resolved on the server. Use under `@rx.event`.
    """

    def wrap(load: Callable[[S, User], Any]) -> Callable[[S], Any]:
        def handler(self: S) -> Any:
            user = self._current_user()
            self._show(user)
            if user is None:
                return rx.redirect(
                    routes.sign_in_url(self.router.url.path + _query(self, keep_query))
                )
            return load(self, user)

        # Reflex reads the handler's signature: it takes no client arguments.
        handler.__name__, handler.__qualname__ = load.__name__, load.__qualname__
        handler.__doc__, handler.__module__ = load.__doc__, load.__module__
        return handler

    return wrap


# Session token -> its user, while one event's steps run (`one_lookup_per_token`).
_users_of_this_event: ContextVar[dict[str, User | None] | None] = ContextVar(
    "hitrec_users_of_this_event", default=None
)


@contextmanager
def one_lookup_per_token() -> Iterator[None]:
    """Within: `_current_user` looks each session token up once. A page's one on_load event
    (state/page_load.py) runs the page's load, its room's join and the bell's, and each asks
    who the user is; within one event the answer cannot change."""
    reset = _users_of_this_event.set({})
    try:
        yield
    finally:
        _users_of_this_event.reset(reset)


def _query(state: rx.State, names: tuple[str, ...]) -> str:
    params = state.router.url.query_parameters
    pairs = [f"{k}={as_id(params.get(k))}" for k in names if as_id(params.get(k)) is not None]
    return ("?" + "&".join(pairs)) if pairs else ""


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
        token = self.session_token
        if not token:
            return None  # signed out: nothing to look up (most viewers of a busy page)
        known = _users_of_this_event.get()
        if known is not None and token in known:
            return known[token]
        with session_scope() as session:
            user = accounts.user_for_token(session=session, token=token)
        if known is not None:
            known[token] = user
        return user

    def _require_user(self) -> User:
        user = self._current_user()
        if user is None:
            self._show(None)
            raise PermissionError("Please sign in first.")
        return user

    def _write(
        self,
        action: Callable[[Session, User], T],
        *,
        error_var: str = "error",
        done: str = "",
        message_var: str = "message",
    ) -> Done[T] | None:
        """Run `action(session, user)` in a write transaction as the signed-in user.

        Clears `error_var` (and `message_var`, where the state has one) first. A refusal
        puts its message in `error_var` and returns None; success sets `message_var`
        to `done` (when given) and returns the action's value with the user. The action
        returns plain values (ids, dataclasses): its session is closed afterwards.
        """
        setattr(self, error_var, "")
        has_message = message_var in self.base_vars
        if has_message:
            setattr(self, message_var, "")
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                value = action(session, user)
        except (ServiceError, PermissionError) as err:
            setattr(self, error_var, str(err))
            return None
        if done and has_message:
            setattr(self, message_var, done)
        return Done(value, user)

    def _show(self, user: User | None) -> None:
        self.username = user.username if user else ""
        self.display_name = user.display_name if user else ""
        self.role = user.role if user else ""

    @rx.event
    def load_user(self):
        """on_load of every page: refresh what the navigation bar shows."""
        self._show(self._current_user())

    @rx.event
    def sign_out(self):
        with session_scope(write=True) as session:
            accounts.sign_out(session=session, token=self.session_token)
        self.session_token = ""
        self._show(None)
        return rx.redirect(routes.HOME)
