"""Reflex configuration; every value comes from slice_of_culture.config (environment variables)."""

import os

import reflex as rx

from slice_of_culture.config import get_settings

_settings = get_settings()

# Reflex's production server (granian) takes its worker count from GRANIAN_WORKERS; ours is
# WEB_WORKERS (always 1 without Redis, where state lives in one process).
os.environ["GRANIAN_WORKERS"] = str(_settings.web_workers)
# Without Redis Reflex keeps per-tab and live-room state on disk: keep it with the data it belongs
# to, so apps on different databases (a dev server, each test run) never read each other's rooms.
os.environ.setdefault("REFLEX_STATES_WORKDIR", str(_settings.data_dir / "reflex-states"))
# Uploaded profile pictures live with the data too; Reflex serves this folder at config.UPLOADS_URL.
os.environ.setdefault("REFLEX_UPLOADED_FILES_DIR", str(_settings.uploads_path))

config = rx.Config(
    app_name="slice_of_culture",
    frontend_port=_settings.frontend_port,
    backend_port=_settings.backend_port,
    api_url=_settings.api_url or f"http://localhost:{_settings.backend_port}",
    deploy_url=f"http://localhost:{_settings.frontend_port}",
    # Several backend workers share state through Redis when REDIS_URL is set; unset = one worker.
    redis_url=_settings.redis_url or None,
    # Pages and the websocket see the client's own address behind that many proxies.
    trusted_proxy_hops=_settings.trusted_proxy_hops,
    telemetry_enabled=False,
    show_built_with_reflex=False,
    # The app talks to its database through slice_of_culture.db, not Reflex's rx.session().
    db_url=None,
    # The app's look (App(theme=...) is deprecated since Reflex 0.9).
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="tomato", radius="large"))],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
