"""The app: every page and its on_load, the co-editing server mounted into the backend, and
the lifespan tasks (co-editing, rooms, presence, challenge expiry). Nothing else lives here."""

import reflex as rx
from reflex.app import ComponentCallable
from reflex.event import EventType

from hitrec_app import routes
from hitrec_app.api.collab_token import build_token_api
from hitrec_app.collab import build_collab_app
from hitrec_app.pages import account, home, profile
from hitrec_app.pages.challenges import board, challenge_form, challenge_page
from hitrec_app.pages.drafts import draft_page, drafts_index
from hitrec_app.pages.notifications import notifications_page
from hitrec_app.pages.productions import production_form, production_page, productions_index
from hitrec_app.pages.proposals import earnings_page, proposal_diff_page, proposal_page
from hitrec_app.pages.records import record_page, submit_form
from hitrec_app.realtime import presence, rooms
from hitrec_app.state.account import AdminUsersState
from hitrec_app.state.activity import ActivityLive
from hitrec_app.state.base import AuthState
from hitrec_app.state.challenges import (
    BoardLive,
    BoardState,
    ChallengeFormState,
    ChallengeLive,
    ChallengeState,
)
from hitrec_app.state.drafts import DraftsListState, DraftState
from hitrec_app.state.notifications import InboxLive, NotificationsState
from hitrec_app.state.page_load import one_event
from hitrec_app.state.presence import PresenceState
from hitrec_app.state.productions import ProductionFormState, ProductionsState, ProductionState
from hitrec_app.state.profile import ProfileState, PublicProfileState
from hitrec_app.state.proposals import (
    EarningsState,
    ProductionProposalsState,
    ProposalDiffState,
    ProposalLive,
    ProposalState,
)
from hitrec_app.state.records import RecordLive, RecordState, SubmitState
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
# Who is watching a record or a challenge page: counted per room, sent once per tick.
presence.install(app)
# Past-deadline challenges close themselves even when nobody loads a page.
app.register_lifespan_task(expire_challenges_loop)

# Every page: its route, component, title and what runs when it loads.
PAGES: tuple[tuple[str, ComponentCallable, str, EventType[()]], ...] = (
    (
        routes.HOME,
        home.home,
        "hitrec: a collaborative studio",
        [AuthState.load_user, ActivityLive.join],
    ),
    (routes.SIGN_UP, account.sign_up, "Join hitrec", AuthState.load_user),
    (routes.SIGN_IN, account.sign_in, "Sign in · hitrec", AuthState.load_user),
    (routes.PROFILE, profile.profile, "Your profile · hitrec", ProfileState.load),
    (routes.USER, profile.public_profile, "Member · hitrec", PublicProfileState.load),
    (routes.TERMS, account.terms, "Terms · hitrec", AuthState.load_user),
    (routes.ADMIN_USERS, account.admin_users, "Roles · hitrec", AdminUsersState.load),
    (routes.NOT_FOUND, home.not_found, "Not found · hitrec", AuthState.load_user),
    # Challenges, records, lineage and notifications (issue 3).
    (routes.CHALLENGES, board, "Challenges · hitrec", [BoardState.load, BoardLive.join]),
    (routes.CHALLENGE_NEW, challenge_form, "New challenge · hitrec", ChallengeFormState.load),
    (
        routes.CHALLENGE,
        challenge_page,
        "Challenge · hitrec",
        [ChallengeState.load, ChallengeLive.join],
    ),
    (routes.CHALLENGE_EDIT, challenge_form, "Edit challenge · hitrec", ChallengeFormState.load),
    (routes.RECORD_NEW, submit_form, "Submit a record · hitrec", SubmitState.load),
    (routes.RECORD, record_page, "Record · hitrec", [RecordState.load, RecordLive.join]),
    (routes.NOTIFICATIONS, notifications_page, "Notifications · hitrec", NotificationsState.load),
    # Drafts and live co-editing (issue 4).
    (routes.DRAFTS, drafts_index, "Drafts · hitrec", DraftsListState.load),
    (routes.DRAFT, draft_page, "Draft · hitrec", DraftState.load),
    # Pay proposals and earnings (issue 9).
    (
        routes.PROPOSAL,
        proposal_page,
        "Pay proposal · hitrec",
        [ProposalState.load, ProposalLive.join],
    ),
    (routes.PROPOSAL_DIFF, proposal_diff_page, "What changed · hitrec", ProposalDiffState.load),
    (routes.EARNINGS, earnings_page, "Your earnings · hitrec", EarningsState.load),
    # Productions and their money (issue 9).
    (routes.PRODUCTIONS, productions_index, "Productions · hitrec", ProductionsState.load),
    (routes.PRODUCTION_NEW, production_form, "New production · hitrec", ProductionFormState.load),
    (
        routes.PRODUCTION,
        production_page,
        "Production · hitrec",
        [ProductionState.load, ProductionProposalsState.load],
    ),
)
for route, component, title, on_load in PAGES:
    handlers: list[EventType[()]] = list(on_load) if isinstance(on_load, list) else [on_load]
    # The navigation bar's bell: every page load (also the one after a websocket reconnect,
    # which gets a new socket) subscribes the tab to its signed-in user's inbox. And a tab
    # that moved on from a record or challenge page stops counting among its viewers.
    # All of a page's steps run in ONE event (state/page_load.py): each on_load event is a
    # full event round, and a join storm pays it for every tab.
    app.add_page(
        component,
        route=route,
        title=title,
        on_load=one_event(route, [*handlers, InboxLive.join, PresenceState.arrive]),
    )
