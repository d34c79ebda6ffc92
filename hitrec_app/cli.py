"""Operator commands: `python -m hitrec_app.cli demo | set-role USER ROLE`."""

from __future__ import annotations

import argparse
import sys

from hitrec_app.db import session_scope
from hitrec_app.services import accounts, demo
from hitrec_app.services.errors import ServiceError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hitrec")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="load demo data into an empty database")
    role = sub.add_parser("set-role", help="give a user a role (member, host, admin)")
    role.add_argument("username")
    role.add_argument("role")
    args = parser.parse_args(argv)

    try:
        with session_scope(write=True) as session:
            if args.command == "demo":
                loaded = demo.load_demo(session=session)
                print(
                    "demo data loaded; every demo password is", demo.DEMO_PASSWORD
                ) if loaded else print("the database already has users: demo data left alone")
            else:
                user = accounts.set_role(
                    session=session, actor_id=None, username=args.username, role=args.role
                )
                print(f"{user.username} is now {user.role}")
    except ServiceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
