// The co-editing editor: Yjs + CodeMirror 6 + y-codemirror.next over y-websocket.
//
// Wrapped by hitrec_app/components/collab_editor.py. The server side lives in
// hitrec_app/collab/ (a y-websocket room per draft, pycrdt document, authorship).
//
// Authentication: the websocket URL carries a short-lived signed token for
// (user, draft). The first connection uses the token the Reflex state issued
// with the page; every later connection attempt (each reconnect) first fetches
// a fresh one from POST /collab/{room}/token, authenticated with the signed-in
// session (Authorization header, never the URL). That happens inside a small
// WebSocket wrapper handed to y-websocket as its WebSocketPolyfill, so the
// provider's own reconnect loop and back-off stay untouched.
import React, { useEffect, useRef, useState } from "react";
import * as Y from "yjs";
import { WebsocketProvider } from "y-websocket";
import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView,
  keymap,
  drawSelection,
  highlightSpecialChars,
  highlightActiveLine,
  placeholder as cmPlaceholder,
} from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { markdown } from "@codemirror/lang-markdown";
import { yCollab, yUndoManagerKeymap } from "y-codemirror.next";
import { getBackendURL } from "$/utils/state";
import env from "$/env.json";

const SESSION_KEY = "hitrec_session";
// Close codes (hitrec_app/collab/close_codes.py). 4401: the token was refused (used,
// expired, or its session signed out); we retry once with a fresh token, and a second
// refusal in a row (or a refused token request) means access is lost. 4403: not a member
// any more (or a viewer sending edits). 4400/4404/4413: stop and show the reason.
// Everything else (1001, 1011, 4409 role changed, 4420 rate limited, 4429 too slow,
// 45xx) reconnects. Every connection needs its own token: the server accepts each once.
const UNAUTHORIZED = 4401;
const FORBIDDEN = 4403;
const ROLE_CHANGED = 4409;
const TERMINAL = new Set([4400, FORBIDDEN, 4404, 4413]);

const collabBase = () => {
  // ws(s)://host:port/_event -> ws(s)://host:port/collab (dev: backend port; prod: same port).
  const url = getBackendURL(env.EVENT);
  url.pathname = "/collab";
  url.search = "";
  url.hash = "";
  return url.toString().replace(/\/$/, "");
};

const tokenEndpoint = (room) => {
  const url = getBackendURL(env.EVENT);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  url.pathname = `/collab/${room}/token`;
  url.search = "";
  return url.toString();
};

class AccessError extends Error {}

const fetchFreshToken = async (room) => {
  const session = window.localStorage.getItem(SESSION_KEY) || "";
  const resp = await fetch(tokenEndpoint(room), {
    method: "POST",
    headers: { Authorization: `Bearer ${session}` },
    cache: "no-store",
  });
  if (resp.status === 401 || resp.status === 403 || resp.status === 404) {
    throw new AccessError(`token refused (${resp.status})`);
  }
  if (!resp.ok) throw new Error(`token endpoint answered ${resp.status}`);
  const body = await resp.json();
  return body.token;
};

// A WebSocket look-alike: gets a token (the page's first, then fresh ones), then opens
// the real socket with it. It also watches the raw protocol for the "saved" status.
// First tokens already spent on a connection (React may run the editor's effect twice).
const spentFirstTokens = new Set();

const makeSocketClass = (room, firstToken, hooks) => {
  let unusedToken = firstToken && !spentFirstTokens.has(firstToken) ? firstToken : "";
  return class TokenSocket {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;

    constructor(url, protocols) {
      this.CONNECTING = 0;
      this.OPEN = 1;
      this.CLOSING = 2;
      this.CLOSED = 3;
      this.binaryType = "arraybuffer";
      this.onopen = null;
      this.onmessage = null;
      this.onerror = null;
      this.onclose = null;
      this._ws = null;
      this._state = 0;
      this._cancelled = false;
      const token = unusedToken;
      unusedToken = "";
      if (token) spentFirstTokens.add(token);
      (token ? Promise.resolve(token) : fetchFreshToken(room))
        .then((fresh) => this._open(url, protocols, fresh))
        .catch((err) => {
          if (this._cancelled) return;
          this._state = 3;
          const code = err instanceof AccessError ? FORBIDDEN : 4500;
          // 4500-4599: "try again later"; y-websocket backs off and retries (new token).
          this._fire("onclose", { code, reason: String(err.message || err), wasClean: false });
        });
    }

    get readyState() {
      return this._ws ? this._ws.readyState : this._state;
    }

    _fire(name, event) {
      const fn = this[name];
      if (typeof fn === "function") fn(event);
    }

    _open(url, protocols, token) {
      if (this._cancelled) return;
      const full = new URL(url);
      full.searchParams.set("token", token);
      const ws = new WebSocket(full.toString(), protocols);
      ws.binaryType = this.binaryType;
      this._ws = ws;
      ws.onopen = (e) => {
        hooks.opened();
        this._fire("onopen", e);
      };
      ws.onmessage = (e) => {
        hooks.received(e.data);
        this._fire("onmessage", e);
      };
      ws.onerror = (e) => this._fire("onerror", e);
      ws.onclose = (e) => this._fire("onclose", e);
    }

    send(data) {
      if (this._ws) this._ws.send(data);
    }

    close(code, reason) {
      this._cancelled = true;
      if (this._ws) this._ws.close(code, reason);
      else this._state = 3;
    }
  };
};

// y-protocols message layout: varUint(messageType) varUint(syncType) ...
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;

const isSyncStep2 = (data) => {
  const bytes = new Uint8Array(data);
  return bytes.length >= 2 && bytes[0] === MESSAGE_SYNC && bytes[1] === SYNC_STEP_2;
};

const syncStep1Message = (doc) => {
  // [messageSync, syncStep1, varUint8Array(stateVector)]
  const sv = Y.encodeStateVector(doc);
  const lenBytes = [];
  let n = sv.length;
  while (n > 127) {
    lenBytes.push((n & 127) | 128);
    n >>>= 7;
  }
  lenBytes.push(n);
  const out = new Uint8Array(2 + lenBytes.length + sv.length);
  out[0] = MESSAGE_SYNC;
  out[1] = SYNC_STEP_1;
  out.set(lenBytes, 2);
  out.set(sv, 2 + lenBytes.length);
  return out;
};

const STATUS_TEXT = {
  connecting: "Connecting…",
  syncing: "Syncing…",
  saved: "Saved",
  offline: "Offline: your edits are kept and sent when the connection returns",
  "access-lost": "Access lost: you can no longer edit this draft",
  closed: "Disconnected by the server",
};

const STATUS_COLOR = {
  connecting: "var(--gray-11)",
  syncing: "var(--amber-11)",
  saved: "var(--green-11)",
  offline: "var(--red-11)",
  "access-lost": "var(--red-11)",
  closed: "var(--red-11)",
};

const presenceFrom = (awareness, selfId) => {
  const byName = new Map();
  awareness.getStates().forEach((state, clientId) => {
    const user = state && state.user;
    if (!user || !user.name) return;
    const key = user.name;
    const isSelf = clientId === selfId;
    const prev = byName.get(key);
    byName.set(key, {
      name: user.name,
      color: user.color || "#888888",
      self: isSelf || (prev ? prev.self : false),
    });
  });
  return Array.from(byName.values()).sort((a, b) =>
    a.self === b.self ? a.name.localeCompare(b.name) : a.self ? -1 : 1,
  );
};

export function CollabEditor({
  draftId,
  token,
  userName,
  userColor,
  readOnly,
  placeholder,
  onAccessChanged,
  onStatusChange,
}) {
  const hostRef = useRef(null);
  const readOnlyCompartment = useRef(new Compartment());
  const viewRef = useRef(null);
  const onAccessChangedRef = useRef(onAccessChanged);
  const onStatusRef = useRef(onStatusChange);
  const [status, setStatus] = useState("connecting");
  const [closeReason, setCloseReason] = useState("");
  const [people, setPeople] = useState([]);
  onAccessChangedRef.current = onAccessChanged;
  onStatusRef.current = onStatusChange;

  useEffect(() => {
    if (!draftId || !token || !hostRef.current) return undefined;
    const room = `draft-${draftId}`;
    const doc = new Y.Doc();
    const ytext = doc.getText("content");

    // "saved" = the server has answered a sync-step-1 we sent after our last local
    // update; it handles a connection's messages in order and stores updates first.
    let localSeq = 0;
    let ackedSeq = 0;
    let pings = [];
    let pingTimer = null;
    let connected = false;
    let everConnected = false;
    let synced = false;
    let terminal = "";
    let refusedInARow = 0;
    let provider = null;

    const publish = () => {
      let next;
      if (terminal) next = terminal;
      else if (!connected) next = everConnected ? "offline" : "connecting";
      else if (!synced || ackedSeq < localSeq) next = "syncing";
      else next = "saved";
      setStatus(next);
      if (hostRef.current) hostRef.current.dataset.status = next;
      if (onStatusRef.current) onStatusRef.current(next);
    };

    const sendPing = () => {
      pingTimer = null;
      if (!provider || !provider.ws || !connected || !synced) return;
      if (provider.ws.readyState !== 1) return;
      pings.push(localSeq);
      provider.ws.send(syncStep1Message(doc));
    };
    const schedulePing = () => {
      if (pingTimer === null) pingTimer = setTimeout(sendPing, 120);
    };

    const hooks = {
      opened: () => {
        // y-websocket's own sync-step-1 on open is answered first; it acknowledges nothing.
        pings = [ackedSeq];
      },
      received: (data) => {
        if (isSyncStep2(data) && pings.length) {
          ackedSeq = Math.max(ackedSeq, pings.shift());
          // Publish after y-websocket has handled the message (it sets `synced`).
          setTimeout(publish, 0);
        }
      },
    };

    provider = new WebsocketProvider(collabBase(), room, doc, {
      connect: false,
      shouldReconnect: (event) => {
        if (event.code === UNAUTHORIZED) {
          refusedInARow += 1;
          return refusedInARow < 2;
        }
        return !TERMINAL.has(event.code);
      },
      // No cross-tab BroadcastChannel: every edit goes through the server, which
      // attributes it to the connection's authenticated user.
      disableBc: true,
      maxBackoffTime: 4000,
      WebSocketPolyfill: makeSocketClass(room, token, hooks),
    });
    provider.awareness.setLocalStateField("user", {
      name: userName || "Me",
      color: userColor || "#3b82f6",
      colorLight: `${userColor || "#3b82f6"}33`,
    });

    provider.on("status", ({ status: s }) => {
      connected = s === "connected";
      everConnected = everConnected || connected;
      if (!connected) synced = false;
      publish();
    });
    provider.on("sync", (isSynced) => {
      synced = isSynced;
      if (isSynced) refusedInARow = 0;
      if (isSynced) schedulePing();
      publish();
    });
    provider.on("closed", ({ code, reason }) => {
      const lost = code === UNAUTHORIZED || code === FORBIDDEN;
      terminal = lost ? "access-lost" : "closed";
      setCloseReason(reason || "");
      publish();
      const view = viewRef.current;
      if (view) {
        view.dispatch({
          effects: readOnlyCompartment.current.reconfigure([
            EditorState.readOnly.of(true),
            EditorView.editable.of(false),
          ]),
        });
      }
      if (lost && onAccessChangedRef.current) onAccessChangedRef.current();
    });
    provider.on("connection-close", (event) => {
      // Demoted or promoted while connected: the page re-reads the role (read-only or not).
      if (event && event.code === ROLE_CHANGED && onAccessChangedRef.current) {
        onAccessChangedRef.current();
      }
    });
    doc.on("update", (_update, origin) => {
      if (origin !== provider) {
        localSeq += 1;
        publish();
        schedulePing();
      }
    });
    const refreshPeople = () => setPeople(presenceFrom(provider.awareness, doc.clientID));
    provider.awareness.on("change", refreshPeople);
    refreshPeople();

    const undoManager = new Y.UndoManager(ytext);
    const readOnlyExt = readOnly
      ? [EditorState.readOnly.of(true), EditorView.editable.of(false)]
      : [];
    const view = new EditorView({
      parent: hostRef.current,
      state: EditorState.create({
        doc: ytext.toString(),
        extensions: [
          keymap.of([...yUndoManagerKeymap, indentWithTab, ...defaultKeymap]),
          highlightSpecialChars(),
          drawSelection(),
          highlightActiveLine(),
          EditorView.lineWrapping,
          markdown(),
          cmPlaceholder(placeholder || "Start writing…"),
          readOnlyCompartment.current.of(readOnlyExt),
          yCollab(ytext, provider.awareness, { undoManager }),
          EditorView.contentAttributes.of({
            "aria-label": "Draft text",
            "aria-multiline": "true",
          }),
          EditorView.theme({
            "&": { minHeight: "22em", fontSize: "16px", backgroundColor: "var(--color-surface)" },
            ".cm-content": {
              fontFamily: "ui-serif, Georgia, Cambria, 'Times New Roman', serif",
              lineHeight: "1.6",
              padding: "1em 0",
            },
            ".cm-line": { padding: "0 1.25em" },
            "&.cm-focused": { outline: "2px solid var(--accent-8)" },
            ".cm-scroller": { minHeight: "22em" },
          }),
        ],
      }),
    });
    viewRef.current = view;
    provider.connect();

    window.__hitrecEditors = window.__hitrecEditors || {};
    window.__hitrecEditors[draftId] = {
      view,
      doc,
      ytext,
      provider,
      undoManager,
      text: () => ytext.toString(),
      status: () => hostRef.current && hostRef.current.dataset.status,
      people: () => presenceFrom(provider.awareness, doc.clientID),
    };

    return () => {
      if (pingTimer !== null) clearTimeout(pingTimer);
      if (window.__hitrecEditors && window.__hitrecEditors[draftId]?.view === view) {
        delete window.__hitrecEditors[draftId];
      }
      viewRef.current = null;
      view.destroy();
      provider.awareness.setLocalState(null);
      provider.destroy();
      undoManager.destroy();
      doc.destroy();
    };
    // The token is only the first connection's; reconnects fetch fresh ones.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draftId, token ? "has-token" : ""]);

  useEffect(() => {
    const view = viewRef.current;
    if (!view) return;
    view.dispatch({
      effects: readOnlyCompartment.current.reconfigure(
        readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [],
      ),
    });
  }, [readOnly]);

  const statusText =
    STATUS_TEXT[status] + (status === "closed" && closeReason ? `: ${closeReason}` : "");

  return (
    <div
      className="hitrec-collab"
      style={{ display: "flex", flexDirection: "column", gap: "0.6em", width: "100%" }}
    >
      <div
        style={{
          display: "flex",
          flexWrap: "wrap",
          alignItems: "center",
          justifyContent: "space-between",
          gap: "0.75em",
        }}
      >
        <ul
          aria-label="People in this draft"
          style={{ display: "flex", flexWrap: "wrap", gap: "0.4em", listStyle: "none", margin: 0, padding: 0 }}
        >
          {people.map((p) => (
            <li
              key={p.name}
              title={p.self ? `${p.name} (you)` : p.name}
              style={{
                display: "inline-flex",
                alignItems: "center",
                gap: "0.35em",
                padding: "0.15em 0.6em",
                borderRadius: "999px",
                border: `1px solid ${p.color}`,
                background: `${p.color}1f`,
                fontSize: "0.875em",
              }}
            >
              <span
                aria-hidden="true"
                style={{ width: "0.6em", height: "0.6em", borderRadius: "50%", background: p.color }}
              />
              {p.name}
              {p.self ? " (you)" : ""}
            </li>
          ))}
        </ul>
        <span
          role="status"
          aria-live="polite"
          aria-label="Editor status"
          data-status={status}
          style={{ fontSize: "0.875em", fontWeight: 500, color: STATUS_COLOR[status] }}
        >
          {statusText}
        </span>
      </div>
      {status === "access-lost" ? (
        <div
          role="alert"
          style={{
            padding: "0.6em 0.9em",
            borderRadius: "var(--radius-3)",
            background: "var(--red-a3)",
            color: "var(--red-11)",
          }}
        >
          Access lost. You were removed from this draft or your role changed. Your copy is
          read-only now; reload the page to see where you stand.
        </div>
      ) : null}
      <div
        ref={hostRef}
        className="hitrec-collab-editor"
        data-draft-id={draftId}
        style={{
          border: "1px solid var(--gray-a6)",
          borderRadius: "var(--radius-3)",
          overflow: "hidden",
        }}
      />
    </div>
  );
}

export default CollabEditor;
