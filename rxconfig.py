"""Reflex configuration: every setting can be overridden from the environment.

HITREC_DATABASE_URL  database (default: SQLite file under data/)
REFLEX_REDIS_URL     Redis for state and live rooms across workers (default: none -> in-process)
HITREC_REDIS_PREFIX  prefix of hitrec's Redis channel and keys (default "hitrec")
HITREC_PORT          port of `reflex run --env prod` (default 3000)
HITREC_SECRET_KEY    secret for signed tokens (default: generated once into data/)
REFLEX_SOCKET_INTERVAL / REFLEX_SOCKET_TIMEOUT  the socket heartbeat (default 10 s / 10 s)
"""

import os

import reflex as rx
import reflex.utils.processes as _processes

from hitrec_app.settings import settings
from hitrec_app.vocabulary import SOCKET_PING_INTERVAL, SOCKET_PING_TIMEOUT

# The socket heartbeat: Reflex's defaults (a ping every 25 s, 120 s to answer) keep a tab whose
# network dropped counted as watching for over two minutes; with these a silent socket is
# closed at most 20 s after its last packet (presence promises 30 s; hitrec_app/vocabulary.py).
os.environ.setdefault("REFLEX_SOCKET_INTERVAL", str(SOCKET_PING_INTERVAL))
os.environ.setdefault("REFLEX_SOCKET_TIMEOUT", str(SOCKET_PING_TIMEOUT))

_redis_url = os.environ.get("REFLEX_REDIS_URL") or None

config = rx.Config(
    app_name="hitrec_app",
    db_url=settings.database_url,
    redis_url=_redis_url,
    # One process: per-tab state in memory. Reflex's default (disk) also writes every tab's
    # state to .states/ on each event, which `reflex run` wipes at start anyway; that cost a
    # tenth of the CPU of a join storm. With Redis, Reflex keeps state in Redis.
    state_manager_mode=(
        rx.constants.StateManagerMode.REDIS if _redis_url else rx.constants.StateManagerMode.MEMORY
    ),
    frontend_port=int(os.environ.get("HITREC_PORT", "3000")),
    backend_port=int(os.environ.get("HITREC_BACKEND_PORT", "8000")),
    # Behind N reverse proxies, set this so rate limits see the real client address.
    trusted_proxy_hops=int(os.environ.get("HITREC_TRUSTED_PROXY_HOPS", "0")),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="tomato", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)

# Reflex starts 2*cores+1 backend workers whenever Redis is configured. Live rooms reach
# every worker through Redis (hitrec_app/realtime/cluster.py), but co-editing rooms and
# presence still live in one process: keep one worker until they are relayed too.
_processes.get_num_workers = lambda: int(os.environ.get("HITREC_BACKEND_WORKERS", "1"))
