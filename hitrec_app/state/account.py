"""Sign-up, sign-in and profile forms."""

from __future__ import annotations

import asyncio

import reflex as rx

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.services import accounts, uploads
from hitrec_app.services.errors import ServiceError
from hitrec_app.state.base import AuthState


def _client_ip(state: rx.State) -> str:
    return state.router.session.client_ip or "unknown"


def _form(form_data: object) -> dict:
    """Handlers are public endpoints: a hostile client may send anything as the form."""
    return form_data if isinstance(form_data, dict) else {}


def _sign_up_then_in(form: dict, client_ip: str) -> accounts.SignIn:
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


def _sign_in(form: dict, client_ip: str) -> accounts.SignIn:
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
    async def submit(self, form_data: dict):
        self.error = ""
        form = _form(form_data)
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
    async def submit(self, form_data: dict):
        self.error = ""
        try:
            result = await asyncio.to_thread(_sign_in, _form(form_data), _client_ip(self))
        except ServiceError as err:
            self.error = str(err)
            return None
        self.session_token = result.token
        self._show(result.user)
        return rx.redirect(routes.safe_next(self.router.url.query_parameters.get("next")))


class ProfileState(AuthState):
    bio: str = ""
    avatar_url: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    def load(self):
        self.message = self.error = ""
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        self.bio = user.bio
        self.avatar_url = uploads.public_url(user.avatar_path)
        return None

    @rx.event
    def save(self, form_data: dict):
        self.message = self.error = ""
        form_data = _form(form_data)
        try:
            user = self._require_user()
            with session_scope(write=True) as session:
                updated = accounts.update_profile(
                    session=session,
                    user_id=user.id,
                    display_name=str(form_data.get("display_name", "")),
                    bio=str(form_data.get("bio", "")),
                )
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self._show(updated)
        self.bio = updated.bio
        self.message = "Profile saved."

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        self.message = self.error = ""
        try:
            user = self._require_user()
            if not files:
                raise uploads.UploadError("Choose an image first.")
            # Never read more than the limit: an oversized file is refused, not buffered.
            data = await files[0].read(uploads.AVATAR_MAX_BYTES + 1)
            relative = await asyncio.to_thread(uploads.store_avatar, data)
            with session_scope(write=True) as session:
                old = accounts.get_user_by_username(session=session, username=user.username)
                previous = old.avatar_path if old else None
                accounts.set_avatar(session=session, user_id=user.id, relative_path=relative)
            uploads.remove(previous)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self.avatar_url = uploads.public_url(relative)
        self.message = "Avatar updated."


class PublicProfileState(AuthState):
    found: bool = False
    p_username: str = ""
    p_display_name: str = ""
    p_bio: str = ""
    p_role: str = ""
    p_avatar_url: str = ""
    p_joined: str = ""

    @rx.event
    def load(self):
        self._show(self._current_user())
        name = str(self.router.page.params.get("username", ""))
        with session_scope() as session:
            user = accounts.get_user_by_username(session=session, username=name)
        self.found = user is not None
        if user is None:
            return
        self.p_username = user.username
        self.p_display_name = user.display_name
        self.p_bio = user.bio
        self.p_role = user.role
        self.p_avatar_url = uploads.public_url(user.avatar_path)
        self.p_joined = user.created_at.strftime("%B %Y")


class AdminUsersState(AuthState):
    rows: list[dict[str, str]] = []
    error: str = ""
    message: str = ""

    def _load_rows(self) -> None:
        with session_scope() as session:
            self.rows = [
                {"username": u.username, "display_name": u.display_name, "role": u.role}
                for u in accounts.list_users(session=session)
            ]

    @rx.event
    def load(self):
        user = self._current_user()
        self._show(user)
        if user is None:
            return rx.redirect(routes.sign_in_url(self.router.url.path))
        if user.role != "admin":
            self.error = "Only admins can manage roles."
            self.rows = []
            return None
        self.error = ""
        self._load_rows()
        return None

    @rx.event
    def set_role(self, username: str, role: str):
        self.message = self.error = ""
        try:
            actor = self._require_user()
            with session_scope(write=True) as session:
                accounts.set_role(
                    session=session, actor_id=actor.id, username=str(username), role=str(role)
                )
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return
        self.message = f"{username} is now {role}."
        self._load_rows()
