"""The y-websocket wire format, parsed strictly.

A frame is one message: varuint type, then for SYNC a varuint sub-type and one
length-prefixed payload, for AWARENESS one length-prefixed awareness update. Anything
else, trailing bytes or a length running past the end is malformed: the sender is
disconnected and nothing reaches the room.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pycrdt import create_awareness_message, create_update_message, write_var_uint

MSG_SYNC = 0
MSG_AWARENESS = 1
MSG_QUERY_AWARENESS = 3  # (2 is y-websocket's auth message, which this server never takes)
SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

MAX_VARUINT_BYTES = 8  # 2**56: beyond what a JS client can send (2**53)

__all__ = [
    "AwarenessEntry",
    "Malformed",
    "Message",
    "Reader",
    "create_awareness_message",
    "create_update_message",
    "encode_awareness",
    "parse",
    "parse_awareness",
    "step1",
    "step2",
]


class Malformed(ValueError):
    pass


@dataclass(frozen=True)
class Message:
    kind: str  # "step1" | "step2" | "update" | "awareness" | "query_awareness"
    payload: bytes = b""


@dataclass(frozen=True)
class AwarenessEntry:
    client_id: int
    clock: int
    state: dict[str, Any] | None


class Reader:
    """Reads lib0-encoded data (varuints, length-prefixed bytes and strings) strictly: running
    past the end, an over-long number or bad UTF-8 raises Malformed. Shared by the message
    parser here and the update reader in `updates.py`."""

    __slots__ = ("data", "pos")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise Malformed("data ends early")
        b = self.data[self.pos]
        self.pos += 1
        return b

    def varuint(self) -> int:
        data, pos = self.data, self.pos  # locals: this runs for every number of every update
        value = shift = 0
        for _ in range(MAX_VARUINT_BYTES):
            if pos >= len(data):
                raise Malformed("data ends inside a number")
            b = data[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            if b < 0x80:
                self.pos = pos
                return value
            shift += 7
        raise Malformed("number too large")

    def skip(self, n: int) -> None:
        if self.pos + n > len(self.data):
            raise Malformed("data ends early")
        self.pos += n

    def payload(self) -> bytes:
        """Length-prefixed bytes."""
        n = self.varuint()
        start = self.pos
        self.skip(n)
        return self.data[start : self.pos]

    def string(self) -> str:
        try:
            return self.payload().decode("utf-8")
        except UnicodeDecodeError as err:
            raise Malformed("string is not UTF-8") from err

    def done(self) -> None:
        if self.pos != len(self.data):
            raise Malformed("unexpected bytes after the message")


def parse(frame: bytes) -> Message:
    reader = Reader(frame)
    kind = reader.varuint()
    if kind == MSG_SYNC:
        sub = reader.varuint()
        payload = reader.payload()
        reader.done()
        names = {SYNC_STEP1: "step1", SYNC_STEP2: "step2", SYNC_UPDATE: "update"}
        if sub not in names:
            raise Malformed(f"unknown sync message type {sub}")
        return Message(names[sub], payload)
    if kind == MSG_AWARENESS:
        payload = reader.payload()
        reader.done()
        return Message("awareness", payload)
    if kind == MSG_QUERY_AWARENESS:
        reader.done()
        return Message("query_awareness")
    raise Malformed(f"unknown message type {kind}")


def parse_awareness(payload: bytes, *, max_entries: int) -> list[AwarenessEntry]:
    reader = Reader(payload)
    count = reader.varuint()
    if count > max_entries:
        raise Malformed("too many awareness entries")
    entries = []
    for _ in range(count):
        client_id = reader.varuint()
        clock = reader.varuint()
        raw = reader.string()
        try:
            state = json.loads(raw) if raw else None
        except ValueError as err:
            raise Malformed("awareness state is not JSON") from err
        if state is not None and not isinstance(state, dict):
            raise Malformed("awareness state is not an object")
        entries.append(AwarenessEntry(client_id, clock, state))
    reader.done()
    return entries


def encode_awareness(entries: list[tuple[int, int, str]]) -> bytes:
    """An AWARENESS frame from (client_id, clock, state JSON or "null") triples."""
    parts = [write_var_uint(len(entries))]
    for client_id, clock, state_json in entries:
        raw = state_json.encode("utf-8")
        parts += [write_var_uint(client_id), write_var_uint(clock), write_var_uint(len(raw)), raw]
    return create_awareness_message(b"".join(parts))


def step1(state_vector: bytes) -> bytes:
    return bytes([MSG_SYNC, SYNC_STEP1]) + write_var_uint(len(state_vector)) + state_vector


def step2(update: bytes) -> bytes:
    return bytes([MSG_SYNC, SYNC_STEP2]) + write_var_uint(len(update)) + update


def decode_state_vector(data: bytes) -> dict[int, int]:
    reader = Reader(data)
    count = reader.varuint()
    out = {}
    for _ in range(count):
        client = reader.varuint()
        out[client] = reader.varuint()
    reader.done()
    return out
