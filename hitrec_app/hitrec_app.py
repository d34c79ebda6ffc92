"""The app: every page and its on_load. Nothing else lives here."""

import reflex as rx

from hitrec_app import routes
from hitrec_app.api.collab_token import build_token_api
from hitrec_app.collab import build_collab_app
from hitrec_app.pages import account, home, profile
from hitrec_app.pages import challenges as challenge_pages
from hitrec_app.pages import drafts as draft_pages
from hitrec_app.pages import notifications as notification_pages
from hitrec_app.pages import records as record_pages
from hitrec_app.realtime import rooms
from hitrec_app.state.account import AdminUsersState
from hitrec_app.state.activity import ActivityRoom
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import (
    BoardRoom,
    BoardState,
    ChallengeFormState,
    ChallengeRoom,
    ChallengeState,
)
from hitrec_app.state.drafts import DraftsListState, DraftState
from hitrec_app.state.notifications import NotificationsState
from hitrec_app.state.profile import ProfileState, PublicProfileState
from hitrec_app.state.records import RecordRoom, RecordState, SubmitState
from hitrec_app.tasks.challenge_expiry import expire_challenges_loop

# Co-editing: the y-websocket route /collab/draft-{id} (and its token endpoint), mounted
# into the backend; the sub-app's lifespan never runs there, so its server runs as a
# lifespan task. Built fresh for each rx.App.
collab_app = build_collab_app()
app = rx.App(
    stylesheets=["/styles.css"],
    api_transformer=[collab_app, build_token_api()],
)
app.register_lifespan_task(collab_app.state.collab_lifespan)
rooms.install(app)
# Past-deadline challenges close themselves even when nobody loads a page.
app.register_lifespan_task(expire_challenges_loop)

app.add_page(
    home.home,
    route=routes.HOME,
    title="hitrec: a collaborative studio",
    on_load=[AuthState.load_user, ActivityRoom.join],
)
app.add_page(
    account.sign_up, route=routes.SIGN_UP, title="Join hitrec", on_load=AuthState.load_user
)
app.add_page(
    account.sign_in, route=routes.SIGN_IN, title="Sign in · hitrec", on_load=AuthState.load_user
)
app.add_page(
    profile.profile, route=routes.PROFILE, title="Your profile · hitrec", on_load=ProfileState.load
)
app.add_page(
    profile.public_profile,
    route=routes.USER,
    title="Member · hitrec",
    on_load=PublicProfileState.load,
)
app.add_page(account.terms, route=routes.TERMS, title="Terms · hitrec", on_load=AuthState.load_user)
app.add_page(
    account.admin_users,
    route=routes.ADMIN_USERS,
    title="Roles · hitrec",
    on_load=AdminUsersState.load,
)
app.add_page(home.not_found, route="/404", title="Not found · hitrec", on_load=AuthState.load_user)

# Challenges, records, lineage and notifications (issue 3).
app.add_page(
    challenge_pages.board,
    route=routes.CHALLENGES,
    title="Challenges · hitrec",
    on_load=[BoardState.load, BoardRoom.join],
)
app.add_page(
    challenge_pages.challenge_form,
    route=routes.CHALLENGE_NEW,
    title="New challenge · hitrec",
    on_load=ChallengeFormState.load,
)
app.add_page(
    challenge_pages.challenge_page,
    route=routes.CHALLENGE,
    title="Challenge · hitrec",
    on_load=[ChallengeState.load, ChallengeRoom.join],
)
app.add_page(
    challenge_pages.challenge_form,
    route=routes.CHALLENGE_EDIT,
    title="Edit challenge · hitrec",
    on_load=ChallengeFormState.load,
)
app.add_page(
    record_pages.submit_form,
    route=routes.RECORD_NEW,
    title="Submit a record · hitrec",
    on_load=SubmitState.load,
)
app.add_page(
    record_pages.record_page,
    route=routes.RECORD,
    title="Record · hitrec",
    on_load=[RecordState.load, RecordRoom.join],
)
app.add_page(
    notification_pages.notifications_page,
    route=routes.NOTIFICATIONS,
    title="Notifications · hitrec",
    on_load=NotificationsState.load,
)

# Drafts and live co-editing (issue 4).
app.add_page(
    draft_pages.drafts_index,
    route=routes.DRAFTS,
    title="Drafts · hitrec",
    on_load=DraftsListState.load,
)
app.add_page(
    draft_pages.draft_page, route=routes.DRAFT, title="Draft · hitrec", on_load=DraftState.load
)
