"""Event handlers are public endpoints: whatever a client sends as their arguments
(Reflex does not check the type hints), they answer with a clear message or ignore
it, and never raise."""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import pkgutil

import pytest
import reflex as rx
from reflex.istate.data import RouterData
from reflex_base.constants.route import RouteVar
from sqlmodel import Session

from hitrec_app import routes
from hitrec_app.db import session_scope
from hitrec_app.models import Notification, Record, User
from hitrec_app.services import accounts, drafts, notifications
from hitrec_app.state import account as account_state
from hitrec_app.state import base as base_state
from hitrec_app.state import challenges as challenge_state
from hitrec_app.state import drafts as draft_state
from hitrec_app.state import notifications as notification_state
from hitrec_app.state import profile as profile_state
from hitrec_app.state import records as record_state
from hitrec_app.state.args import BAD_ID, MAX_ID, as_bool, as_form, as_id, as_int, as_text
from hitrec_app.state.rows import EntryRow, RecordLinkRow
from tests.factories import PASSWORD, make_user, text_record

# What a hostile client might send where an id or a form belongs.
HOSTILE = [
    None,
    True,
    -3,
    0,
    1.5,
    float("nan"),
    "",
    "abc",
    "1.5",
    " 7",
    "-7",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic digit: isdigit() and int() accept it, ids are ASCII
    "1" * 40,
    MAX_ID + 1,
    10**30,
    [],
    [1],
    {},
    {"id": 1},
]


# --- the helpers ---------------------------------------------------------------------------


def test_as_int_accepts_ints_and_ascii_digit_strings_in_range_only():
    assert as_int(7) == 7
    assert as_int("7") == 7
    assert as_int("007") == 7
    assert as_int(0) == 0
    assert as_int(MAX_ID) == MAX_ID
    assert as_int(5, minimum=1, maximum=4) is None
    assert as_int("5", minimum=6) is None
    for value in HOSTILE:
        if value != 0 or isinstance(value, bool):
            assert as_int(value) is None, value


def test_as_id_is_a_positive_database_id():
    assert as_id(1) == 1
    assert as_id("12") == 12
    for value in HOSTILE:
        assert as_id(value) is None, value


def test_as_form_keeps_string_keys_with_string_or_boolean_values():
    assert as_form({"title": "T", "publish": True, "n": 3, 4: "x", "list": ["a"]}) == {
        "title": "T",
        "publish": True,
        "n": "3",
    }
    assert as_form({"body": "x" * 200_000})["body"] == "x" * 100_000
    for value in (None, "title=T", ["title", "T"], 5, True):
        assert as_form(value) == {}
    # PostgreSQL cannot store a NUL character: it is dropped before any service sees it.
    assert as_form({"title": "T\x00itle"}) == {"title": "Title"}


def test_as_text_and_as_bool():
    assert as_text("hearts") == "hearts"
    assert as_text("x" * 500) == "x" * 200
    assert as_text(["hearts"]) == "" and as_text(None) == ""
    assert as_text("he\x00arts") == "hearts"
    assert as_bool(True) is True and as_bool(False) is False
    assert as_bool("false") is None and as_bool(0) is None


# --- the handlers ----------------------------------------------------------------------------


@pytest.fixture
def app_db(monkeypatch, db_url):
    """Point the state modules' sessions at the test database."""
    scoped = functools.partial(session_scope, url=db_url)
    for module in (
        base_state,
        record_state,
        challenge_state,
        notification_state,
        account_state,
        profile_state,
    ):
        monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


def _signed_in(session: Session, user: User, state_cls: type[rx.State]) -> rx.State:
    """A fresh state tree with `user` signed in; returns the `state_cls` substate."""
    token = accounts.sign_in(
        session=session, username=user.username, password=PASSWORD, client_ip="test"
    ).token
    session.commit()
    root = rx.State(_reflex_internal_init=True)
    auth = root.get_substate(base_state.AuthState.get_full_name().split(".")[1:])
    auth.session_token = token
    return root.get_substate(state_cls.get_full_name().split(".")[1:])


def test_notification_handler_answers_a_bad_id_with_a_message(app_db, session):
    user = make_user(session, "reader")
    note = notifications.notify(
        session=session, user_id=user.id, kind=notifications.COMMENTED, message="Hi", link="/"
    )
    session.commit()
    state = _signed_in(session, user, notification_state.NotificationsState)
    for value in HOSTILE:
        result = notification_state.NotificationsState.open_item.fn(state, value)
        assert result is None and state.error == BAD_ID, value
    # A good id, even as digits in a string, still works.
    notification_state.NotificationsState.open_item.fn(state, str(note.id))
    assert state.error == ""
    session.expire_all()
    assert session.get(Notification, note.id).read_at is not None
    assert state.items[0].id == note.id and state.items[0].unread is False
    session.rollback()  # end the test's (write-mode) transaction before the handler writes
    notification_state.NotificationsState.mark_all_read.fn(state)
    assert state.error == ""


# Where a form belongs: whatever is not a dict of strings reads as an empty form.
HOSTILE_FORMS = [None, "username=maya", ["username"], 5, True, {"username": ["maya"]}]


def test_sign_up_and_sign_in_refuse_hostile_forms(app_db, session):
    make_user(session, "existing")
    session.commit()
    root = rx.State(_reflex_internal_init=True)
    sign_up = root.get_substate(account_state.SignUpState.get_full_name().split(".")[1:])
    sign_in = root.get_substate(account_state.SignInState.get_full_name().split(".")[1:])
    for value in HOSTILE_FORMS:
        assert asyncio.run(account_state.SignUpState.submit.fn(sign_up, value)) is None
        assert sign_up.error and sign_up.session_token == "", value
        assert asyncio.run(account_state.SignInState.submit.fn(sign_in, value)) is None
        assert sign_in.error == "Enter your username and password.", value
    mismatch = {"username": "newbie", "password": PASSWORD, "password_confirm": [PASSWORD]}
    assert asyncio.run(account_state.SignUpState.submit.fn(sign_up, mismatch)) is None
    assert sign_up.error == "The two passwords differ."
    good = {"username": "existing", "password": PASSWORD}
    assert asyncio.run(account_state.SignInState.submit.fn(sign_in, good)) is not None
    assert sign_in.error == "" and sign_in.session_token


def test_profile_handlers_refuse_hostile_arguments(app_db, session):
    user = make_user(session, "profiled")
    state = _signed_in(session, user, profile_state.ProfileState)
    fn = profile_state.ProfileState
    session.rollback()  # end the test's (write-mode) transaction before the handlers write
    for value in HOSTILE_FORMS:
        fn.save.fn(state, value)
        assert state.error == "Display name is required." and state.message == "", value
    for files in (None, "file", [{}], {}, [b"png"], 5):
        assert asyncio.run(fn.upload_avatar.fn(state, files)) is None
        assert state.error == "The upload did not arrive; choose the file again.", files
    asyncio.run(fn.upload_avatar.fn(state, []))
    assert state.error == "Choose an image first."
    fn.save.fn(state, {"display_name": "Pro Filed", "bio": "Hello", "extra": ["x"]})
    assert state.error == "" and state.message == "Profile saved." and state.bio == "Hello"
    session.expire_all()
    assert session.get(User, user.id).display_name == "Pro Filed"


def test_admin_role_handler_refuses_hostile_arguments(app_db, session):
    admin = make_user(session, "boss", role="admin")
    make_user(session, "worker")
    member = make_user(session, "plain")
    state = _signed_in(session, admin, account_state.AdminUsersState)
    plain = _signed_in(session, member, account_state.AdminUsersState)
    session.rollback()  # end the test's (write-mode) transaction before the handlers write
    fn = account_state.AdminUsersState.set_role.fn
    for value in HOSTILE:
        fn(state, "worker", value)
        assert state.error == "Role must be one of: member, host, admin.", value
        fn(state, value, "host")
        assert state.error.startswith("No user called"), value
    for role in ("Admin", "owner", "admin "):
        fn(state, "worker", role)
        assert state.error == "Role must be one of: member, host, admin.", role
    fn(plain, "worker", "admin")
    assert plain.error == "Only an admin can change roles." and plain.message == ""
    fn(state, "WORKER", "host")
    assert state.error == "" and state.message == "worker is now host."
    assert any(r.username == "worker" and r.role == "host" for r in state.rows)


def test_record_handlers_refuse_hostile_arguments_with_messages(app_db, session):
    author = make_user(session, "author")
    source = text_record(session, author, "Source")
    rec = text_record(session, author, "Mine", sources=(source,))
    rec_id, source_id = rec.id, source.id
    state = _signed_in(session, author, record_state.RecordState)
    state.rid = rec_id
    fn = record_state.RecordState
    for value in HOSTILE:
        fn.remove_citation.fn(state, value)
        assert state.error == BAD_ID, value
        if value == " 7":
            continue  # typed with a space: the citation field trims it (record #7)
        fn.add_citation.fn(state, {"source": value})
        assert state.error == "Enter the number (or link) of the record to cite.", value
    for value in (None, "title=Stolen", ["title"], 5):
        assert fn.add_citation.fn(state, value) is None
        assert state.error.startswith("Enter the number"), value
        fn.save.fn(state, value)
        assert state.error == "Title is required.", value
        fn.add_comment.fn(state, value)
        assert state.comment_error == "Comment is required.", value
    session.expire_all()
    kept = session.get(Record, rec_id)
    assert kept.title == "Mine" and kept.comment_count == 0
    session.rollback()  # end the test's (write-mode) transaction before the handlers write
    # Good values still work, and a refused citation is kept in the field (no reset).
    fn.remove_citation.fn(state, str(source_id))
    assert state.error == "" and state.message == "Citation removed."
    assert fn.add_citation.fn(state, {"source": f"/records/{rec_id}"}) is None
    assert "cannot cite itself" in state.error
    assert fn.add_citation.fn(state, {"source": f"#{source_id}"}) is not None  # clears it
    assert state.message == "Citation added."


def test_submit_form_handlers_refuse_hostile_arguments(app_db, session):
    author = make_user(session, "submitter")
    state = _signed_in(session, author, record_state.SubmitState)
    source = RecordLinkRow(id=4, title="S", kind="text", withdrawn=False)
    state.sources = [source]
    fn = record_state.SubmitState
    for value in HOSTILE:
        fn.drop_source.fn(state, value)
        fn.set_kind.fn(state, value)
    assert state.sources == [source] and state.kind == "text"
    for files, form in (("file", {"title": "T", "body": "B"}), ([{}], {}), ([], "form")):
        assert asyncio.run(fn.submit.fn(state, files, form)) is None
        assert state.error, (files, form)
    assert asyncio.run(fn.submit.fn(state, [], "form")) is None
    assert state.error == "Title is required."


def test_challenge_handlers_ignore_or_refuse_hostile_arguments(app_db, session):
    host = make_user(session, "hosty", role="host")
    state = _signed_in(session, host, challenge_state.ChallengeState)
    fn = challenge_state.ChallengeState
    for value in HOSTILE:
        fn.go_page.fn(state, value)
        fn.set_sort.fn(state, value)
        fn.set_kind.fn(state, value)
        if not isinstance(value, bool):
            fn.set_never_remixed.fn(state, value)
    assert (state.page, state.sort, state.kind, state.never_remixed) == (1, "newest", "", False)
    fn.set_never_remixed.fn(state, True)
    assert state.never_remixed is True

    board = _signed_in(session, host, challenge_state.BoardState)
    for value in (None, "q", [1], {"q": ["x"]}):
        challenge_state.BoardState.search.fn(board, value)
        assert board.results == [] and not board.searched
    # A good search hands the page typed rows.
    found = text_record(session, host, "Rain at night")
    session.commit()
    challenge_state.BoardState.search.fn(board, {"q": "Rain"})
    assert board.searched and [(r.id, r.title) for r in board.results] == [(found.id, found.title)]
    assert isinstance(board.results[0], EntryRow) and board.results[0].author_username == "hosty"

    form = _signed_in(session, host, challenge_state.ChallengeFormState)
    submit = challenge_state.ChallengeFormState.submit.fn
    for value in (None, "title=T", [1]):
        assert submit(form, value) is None and form.error == "Accept at least one kind of record."
    good = {"title": "Rain", "prompt": "Record rain.", "kind_text": "on"}
    for pool in ("nan", "inf", "-inf", "1e999"):
        assert submit(form, {**good, "pool": pool, "share": "50"}) is None
        assert form.error == "The pool must be an amount in dollars, e.g. 1200.", pool
    for share in ("nan", "inf", "1e999"):
        assert submit(form, {**good, "pool": "100", "share": share}) is None
        assert form.error == "The contributors' share must be a percentage.", share
    assert submit(form, {**good, "deadline": "0001-01-01T00:00+14:00"}) is None
    assert form.error == "The deadline is not a valid date and time."
    # "²" passes str.isdigit() but is no id: the challenge is created without a production.
    assert submit(form, {**good, "production": "²"}) is not None and form.error == ""


@pytest.fixture
def draft_db(app_db, monkeypatch):
    """As `app_db`, for the draft states too."""
    monkeypatch.setattr(draft_state, "session_scope", functools.partial(session_scope, url=app_db))
    return app_db


def _on_draft(state: rx.State, draft_id: int) -> None:
    """Put `state` on the page /drafts/<draft_id>."""
    state.router = RouterData.from_router_data(
        {RouteVar.PATH: routes.DRAFT, RouteVar.ORIGIN: routes.draft_url(draft_id)}
    )


CHOOSE_ROLE = "Choose a role: editor (can write) or viewer (can read)."  # the service's refusal


def test_draft_handlers_refuse_hostile_arguments_with_messages(draft_db, session):
    owner, member = make_user(session, "olga"), make_user(session, "priya")
    draft = drafts.create_draft(session=session, owner_id=owner.id, title="Tide tables")
    drafts.invite(
        session=session, actor_id=owner.id, draft_id=draft.id, username="priya", role="editor"
    )
    session.commit()
    draft_id, member_id = draft.id, member.id
    session.rollback()  # no open transaction while the handlers write

    listing = _signed_in(session, owner, draft_state.DraftsListState)
    create = draft_state.DraftsListState.create.fn
    for value in (None, "title=T", [1], 5):
        assert create(listing, value) is None and listing.error == "Title is required.", value
    for value in HOSTILE:
        assert create(listing, {"title": "", "challenge_id": value}) is None, value
        assert listing.error in (draft_state.CHOOSE_CHALLENGE, "Title is required."), value
    assert create(listing, {"title": "T", "challenge_id": "7x"}) is None
    assert listing.error == draft_state.CHOOSE_CHALLENGE

    state = _signed_in(session, owner, draft_state.DraftState)
    _on_draft(state, draft_id)
    fn = draft_state.DraftState
    for value in HOSTILE:
        fn.change_role.fn(state, value, "viewer")
        assert state.error == draft_state.CHOOSE_MEMBER, value
        fn.remove_member.fn(state, value)
        assert state.error == draft_state.CHOOSE_MEMBER, value
        asyncio.run(fn.view_snapshot.fn(state, value))
        assert state.error == draft_state.CHOOSE_VERSION, value
        asyncio.run(fn.restore_snapshot.fn(state, value))
        assert state.error == draft_state.CHOOSE_VERSION, value
    for role in (None, 3, [], {}, "", "admin", "Owner", "editor "):
        fn.change_role.fn(state, member_id, role)
        assert state.error == CHOOSE_ROLE, role
    for value in (None, "username=tomas", ["tomas"], 5):
        assert fn.invite.fn(state, value) is None
        assert state.error == "Enter the username of the person to invite.", value
    make_user(session, "tomas")
    session.commit()
    for role in ("owner", "admin", "", "Editor", 3, True):
        assert fn.invite.fn(state, {"username": "tomas", "role": role}) is None
        assert state.error == CHOOSE_ROLE, role
    for value in (None, "name=v1", [1]):
        assert asyncio.run(fn.take_snapshot.fn(state, value)) is None
        assert state.error == "Version name is required.", value
    assert drafts.get_role(session=session, draft_id=draft_id, user_id=member_id) == "editor"
    assert [
        m.username
        for m in drafts.list_members(session=session, draft_id=draft_id, actor_id=owner.id)
    ] == ["olga", "priya"]
    session.rollback()

    # Good values still work, ids as digits in a string too.
    fn.change_role.fn(state, str(member_id), "viewer")
    assert state.error == "" and state.message == "That member is now viewer."
    assert [(m.username, m.role, m.is_me) for m in state.members] == [
        ("olga", "owner", True),
        ("priya", "viewer", False),
    ]
    assert fn.invite.fn(state, {"username": "tomas", "role": "viewer"}) is not None
    assert state.message == "Invited tomas as viewer."
    fn.remove_member.fn(state, member_id)
    assert state.message == "Removed priya from the draft. Their authorship credit stays."

    # Only the owner manages members, whatever the arguments.
    other = _signed_in(session, make_user(session, "edgar"), draft_state.DraftState)
    session.commit()
    _on_draft(other, draft_id)
    fn.change_role.fn(other, member_id, "owner")
    assert other.error == "Only members of this draft can open it."
    _on_draft(other, MAX_ID + 1)
    fn.remove_member.fn(other, member_id)
    assert other.error == draft_state.NO_DRAFT


# --- every handler, generated ----------------------------------------------------------------
# The list of handlers is read from the state classes, so a new handler is fuzzed the day it
# is written: one that trusts its arguments (calls .get on a "form" that is a list, int() on an
# id that is a word) raises here.


def _state_classes() -> list[type[rx.State]]:
    package = importlib.import_module("hitrec_app.state")
    classes: list[type[rx.State]] = []
    for info in pkgutil.iter_modules(package.__path__, "hitrec_app.state."):
        module = importlib.import_module(info.name)
        classes.extend(
            obj
            for obj in vars(module).values()
            if isinstance(obj, type) and issubclass(obj, rx.State) and obj.__module__ == info.name
        )
    return classes


def _handlers_with_arguments() -> list[tuple[type[rx.State], str]]:
    found = []
    for cls in _state_classes():
        for name, handler in cls.event_handlers.items():
            if name == "setvar":  # Reflex's own: it checks the var name itself
                continue
            params = list(inspect.signature(handler.fn).parameters)[1:]
            if params:
                found.append((cls, name))
    return sorted(found, key=lambda pair: (pair[0].get_full_name(), pair[1]))


HANDLERS = _handlers_with_arguments()


def test_the_generated_list_finds_the_handlers_we_know():
    names = {f"{cls.__name__}.{name}" for cls, name in HANDLERS}
    assert {"RecordState.add_citation", "SubmitState.submit", "ChallengeFormState.submit"} <= names


@pytest.fixture
def every_state_db(monkeypatch, db_url):
    """Point every state module's sessions (and the base state's) at the test database."""
    scoped = functools.partial(session_scope, url=db_url)
    for cls in _state_classes():
        module = importlib.import_module(cls.__module__)
        if hasattr(module, "session_scope"):
            monkeypatch.setattr(module, "session_scope", scoped)
    return db_url


def _call(state: rx.State, cls: type[rx.State], name: str, value: object) -> None:
    handler = cls.event_handlers[name]
    nargs = len(inspect.signature(handler.fn).parameters) - 1
    result = handler.fn(state, *([value] * nargs))
    if inspect.iscoroutine(result):
        asyncio.run(result)
    elif inspect.isasyncgen(result):

        async def drain() -> None:
            async for _ in result:
                pass

        asyncio.run(drain())
    elif inspect.isgenerator(result):
        for _ in result:
            pass


@pytest.mark.parametrize(("cls", "name"), HANDLERS, ids=[f"{c.__name__}.{n}" for c, n in HANDLERS])
@pytest.mark.parametrize("who", ["signed-out", "member"])
def test_every_handler_survives_hostile_arguments(every_state_db, session, cls, name, who):
    """Whatever a client sends, the handler answers (a message, or nothing) and never raises."""
    if who == "member":
        user = make_user(session, "fuzzer")
        text_record(session, user, "Mine")
        state = _signed_in(session, user, cls)
    else:
        root = rx.State(_reflex_internal_init=True)
        state = root.get_substate(cls.get_full_name().split(".")[1:])
    session.rollback()  # end the test's write transaction before the handlers write
    for value in HOSTILE:
        try:
            _call(state, cls, name, value)
        except Exception as err:
            pytest.fail(f"{cls.__name__}.{name}({value!r}) raised {type(err).__name__}: {err}")
