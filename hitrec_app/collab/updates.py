"""Reading a Yjs update (v1 encoding) just far enough to see which root types it touches.

A draft is one Text called "content". An update can also name other root types (any
string), and Yrs creates them on apply: their content is stored and relayed but is not
text, so it escapes the draft's character cap. `root_names` lists every root type an
update's items are parented to by name, without applying it: the room refuses the update
if that is anything but "content". Items that continue another item (they carry an
origin) inherit its parent and say nothing about it; items nested in a type by id live
in an embed, which `DraftDocument.remove_embeds` deletes.

Layout (lib0 encoding, as in Yjs' `readClientsStructRefs` / Yrs' `Update::decode_v1`):
varuint clients, then per client: varuint structs, varuint client, varuint clock, and
the structs; each struct starts with an info byte: 0 is GC (varuint length), 10 a skip
(varuint length), anything else an item whose low 5 bits give its content type. The
delete set that follows the structs is not read.
"""

from __future__ import annotations

from hitrec_app.collab.protocol import MAX_VARUINT_BYTES, Malformed, Reader

_BIT_ORIGIN = 0x80
_BIT_RIGHT_ORIGIN = 0x40
_BIT_PARENT_SUB = 0x20
_GC = 0
_SKIP = 10
_MAX_ANY_DEPTH = 64
# ContentType refs: 3 (XmlElement) and 5 (XmlHook) carry a name; 0-6 are the Yjs types.
_TYPE_WITH_NAME = (3, 5)
_MAX_TYPE_REF = 6


class _Reader(Reader):
    """The lib0 reader plus what skipping an update's contents needs."""

    __slots__ = ()

    def skip_varint(self) -> None:
        for _ in range(MAX_VARUINT_BYTES + 2):
            if self.byte() < 0x80:
                return
        raise Malformed("number too large in update")

    def any_(self, depth: int = 0) -> None:
        """Skip one lib0 `Any` value."""
        if depth > _MAX_ANY_DEPTH:
            raise Malformed("value nested too deeply in update")
        tag = self.byte()
        if tag in (127, 126, 121, 120):  # undefined, null, false, true
            return
        if tag == 125:  # varint
            self.skip_varint()
        elif tag == 124:  # float32
            self.skip(4)
        elif tag in (123, 122):  # float64, bigint64
            self.skip(8)
        elif tag in (119, 116):  # string, bytes
            self.payload()
        elif tag == 118:  # object
            for _ in range(self.varuint()):
                self.payload()
                self.any_(depth + 1)
        elif tag == 117:  # array
            for _ in range(self.varuint()):
                self.any_(depth + 1)
        else:
            raise Malformed(f"unknown value tag {tag} in update")


def _skip_content(r: _Reader, ref: int) -> None:
    if ref == 1:  # deleted: length
        r.varuint()
    elif ref == 2:  # JSON: count, strings
        for _ in range(r.varuint()):
            r.payload()
    elif ref in (3, 4, 5):  # binary, string, embed (JSON string)
        r.payload()
    elif ref == 6:  # format: key, JSON value
        r.payload()
        r.payload()
    elif ref == 7:  # type
        type_ref = r.varuint()
        if type_ref > _MAX_TYPE_REF:
            raise Malformed(f"unknown type {type_ref} in update")
        if type_ref in _TYPE_WITH_NAME:
            r.payload()
    elif ref == 8:  # any: count, values
        for _ in range(r.varuint()):
            r.any_()
    elif ref == 9:  # subdocument: guid, options
        r.payload()
        r.any_()
    else:
        raise Malformed(f"unknown content type {ref} in update")


def root_names(update: bytes) -> set[str]:
    """The names of the root types the update's items are parented to; Malformed if it
    cannot be read. Map entries set directly on a root (`parentSub`) are reported as
    "name.key", so they never pass for the root's own content."""
    try:
        return _root_names(update)
    except IndexError as err:
        raise Malformed("update ends early") from err


def _root_names(data: bytes) -> set[str]:
    # The hot loop of the room's update check: one pass, numbers read inline (a Python call
    # per number would cost several times as much on updates with many small items).
    r = _Reader(data)
    names: set[str] = set()
    end = len(data)
    for _ in range(r.varuint()):
        n_structs = r.varuint()
        r.varuint()  # client
        r.varuint()  # clock
        pos = r.pos
        for _ in range(n_structs):
            info = data[pos]
            pos += 1
            ref = info & 0x1F
            if ref == 4 and info & 0xC0:  # the common case: a string continuing an item
                # origin and/or right origin (two numbers each), then a length-prefixed string
                for _ in range(4 if info & 0xC0 == 0xC0 else 2):
                    while data[pos] >= 0x80:
                        pos += 1
                    pos += 1
                n = data[pos]
                pos += 1
                if n >= 0x80:
                    n &= 0x7F
                    shift = 7
                    while True:
                        b = data[pos]
                        pos += 1
                        n |= (b & 0x7F) << shift
                        if b < 0x80:
                            break
                        shift += 7
                        if shift > 56:
                            raise Malformed("number too large in update")
                pos += n
                if pos > end:
                    raise Malformed("update ends early")
                continue
            r.pos = pos
            if ref in (_GC, _SKIP):
                r.varuint()
            else:
                if info & _BIT_ORIGIN:
                    r.varuint()
                    r.varuint()
                if info & _BIT_RIGHT_ORIGIN:
                    r.varuint()
                    r.varuint()
                if not info & (_BIT_ORIGIN | _BIT_RIGHT_ORIGIN):
                    named = r.varuint() == 1
                    if named:
                        name = r.string()
                    else:
                        r.varuint()
                        r.varuint()
                    if info & _BIT_PARENT_SUB:
                        key = r.string()
                        if named:
                            name = f"{name}.{key}"
                    if named:
                        names.add(name)
                _skip_content(r, ref)
            pos = r.pos
        r.pos = pos
    return names
