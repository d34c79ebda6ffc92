"""Reflex configuration: every setting can be overridden from the environment.

HITREC_DATABASE_URL  database (default: SQLite file under data/)
REFLEX_REDIS_URL     Redis for state (default: none -> in-process state)
HITREC_PORT          port of `reflex run --env prod` (default 3000)
HITREC_SECRET_KEY    secret for signed tokens (default: generated once into data/)
"""

import os

import reflex as rx
import reflex.utils.processes as _processes

from hitrec_app.settings import settings

config = rx.Config(
    app_name="hitrec_app",
    db_url=settings.database_url,
    redis_url=os.environ.get("REFLEX_REDIS_URL") or None,
    frontend_port=int(os.environ.get("HITREC_PORT", "3000")),
    backend_port=int(os.environ.get("HITREC_BACKEND_PORT", "8000")),
    # Behind N reverse proxies, set this so rate limits see the real client address.
    trusted_proxy_hops=int(os.environ.get("HITREC_TRUSTED_PROXY_HOPS", "0")),
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="tomato", radius="medium"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)

# Reflex starts 2*cores+1 backend workers whenever Redis is configured, but co-editing
# rooms and presence still live in one process (multi-worker relaying is a later issue):
# keep one worker until then, whatever the state manager.
_processes.get_num_workers = lambda: int(os.environ.get("HITREC_BACKEND_WORKERS", "1"))
