"""Password hashing: passlib's argon2 scheme with OWASP's Argon2id parameters."""

from __future__ import annotations

from passlib.context import CryptContext

# OWASP: Argon2id, m >= 19 MiB, t >= 2, p = 1.
_context = CryptContext(
    schemes=["argon2"],
    argon2__type="ID",
    argon2__memory_cost=19 * 1024,
    argon2__time_cost=2,
    argon2__parallelism=1,
)

# Verified against when the username is unknown, so timing does not reveal which
# usernames exist.
_DUMMY_HASH = _context.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False
    return _context.verify(password, password_hash)
