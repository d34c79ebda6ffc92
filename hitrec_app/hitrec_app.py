"""The app: every page and its on_load. Nothing else lives here."""

import reflex as rx

from hitrec_app import routes
from hitrec_app.pages import account, home
from hitrec_app.realtime import rooms
from hitrec_app.state.account import AdminUsersState, ProfileState, PublicProfileState
from hitrec_app.state.activity import ActivityRoom
from hitrec_app.state.base import AuthState

app = rx.App(
    theme=rx.theme(accent_color="tomato", radius="medium"),
    stylesheets=["/styles.css"],
)
rooms.install(app)

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
    account.profile, route=routes.PROFILE, title="Your profile · hitrec", on_load=ProfileState.load
)
app.add_page(
    account.public_profile,
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
