"""Profiles: your own (edit it, change the avatar) and a member's public page with their work."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from hitrec_app.db import Session, session_scope
from hitrec_app.models import User
from hitrec_app.services import accounts, profiles, uploads
from hitrec_app.services.errors import ServiceError
from hitrec_app.state.args import as_form, as_text, route_param
from hitrec_app.state.base import AuthState, signed_in_page
from hitrec_app.state.rows import RecordLinkRow
from hitrec_app.vocabulary import AVATAR_MAX_BYTES

RemixRow = profiles.RemixLink  # one of the member's records, and a remix someone built on it
ProductionCreditRow = profiles.ProductionCredit  # a production that used one of their records


def _swap_avatar(session: Session, user: User, relative: str) -> str | None:
    """Point `user`'s avatar at the stored file `relative`; returns the previous file."""
    current = accounts.get_user_by_username(session=session, username=user.username)
    previous = current.avatar_path if current else None
    accounts.set_avatar(session=session, user_id=user.id or 0, relative_path=relative)
    return previous


class ProfileState(AuthState):
    bio: str = ""
    avatar_url: str = ""
    message: str = ""
    error: str = ""

    @rx.event
    @signed_in_page()
    def load(self, user: User):
        self.message = self.error = ""
        self.bio = user.bio
        self.avatar_url = uploads.public_url(user.avatar_path)

    @rx.event
    def save(self, form_data: dict[str, Any]):
        form = as_form(form_data)
        done = self._write(
            lambda session, user: accounts.update_profile(
                session=session,
                user_id=user.id or 0,
                display_name=str(form.get("display_name", "")),
                bio=str(form.get("bio", "")),
            ),
            done="Profile saved.",
        )
        if done is not None:
            self._show(done.value)
            self.bio = done.value.bio

    async def _stored_avatar(self, files: Any) -> str | None:
        """The chosen image, checked and stored; None (and the reason in `error`) if not."""
        try:
            self._require_user()
            if not isinstance(files, list) or not all(isinstance(f, rx.UploadFile) for f in files):
                raise uploads.UploadError("The upload did not arrive; choose the file again.")
            if not files:
                raise uploads.UploadError("Choose an image first.")
            # Never read more than the limit: an oversized file is refused, not buffered.
            data = await files[0].read(AVATAR_MAX_BYTES + 1)
            return await asyncio.to_thread(uploads.store_avatar, data)
        except (ServiceError, PermissionError) as err:
            self.error = str(err)
            return None

    @rx.event
    async def upload_avatar(self, files: list[rx.UploadFile]):
        self.message = self.error = ""
        relative = await self._stored_avatar(files)
        if relative is None:
            return
        done = self._write(
            lambda session, user: _swap_avatar(session, user, relative), done="Avatar updated."
        )
        if done is None:
            uploads.remove(relative)
            return
        uploads.remove(done.value)
        self.avatar_url = uploads.public_url(relative)


class PublicProfileState(AuthState):
    """A member's public page: who they are, what they made, what it became."""

    found: bool = False
    p_username: str = ""
    p_display_name: str = ""
    p_bio: str = ""
    p_role: str = ""
    p_avatar_url: str = ""
    p_joined: str = ""
    w_records: rx.Field[list[RecordLinkRow]] = rx.field(default_factory=list)
    w_remixed: rx.Field[list[RemixRow]] = rx.field(default_factory=list)
    w_productions: rx.Field[list[ProductionCreditRow]] = rx.field(default_factory=list)

    @rx.event
    def load(self):
        self._show(self._current_user())
        name = as_text(route_param(self, "username"))
        self.w_records, self.w_remixed, self.w_productions = [], [], []
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
            uid = user.id or 0
            self.w_records = profiles.user_records(session=session, user_id=uid)
            self.w_remixed = profiles.remixed_into(session=session, user_id=uid)
            self.w_productions = profiles.production_credits(session=session, user_id=uid)
