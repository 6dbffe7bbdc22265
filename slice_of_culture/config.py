"""All configuration, read once from environment variables with embedded defaults.

Everything that differs between a laptop and production lives here and nowhere else:
the left column of DESIGN.md's table is the default, the right column is a variable away.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_DEV_SECRET = "dev-only-secret-change-me"
# Where Reflex's backend serves the uploads folder (`Settings.uploads_path`; rxconfig points
# Reflex at it): uploaded profile pictures are addressed under this path.
UPLOADS_URL = "/_upload"


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


@dataclass(frozen=True)
class Settings:
    # Where local state lives (SQLite file, embedded Chroma, saved models).
    data_dir: Path = field(default_factory=lambda: Path(_env("SOC_DATA_DIR", str(PROJECT_ROOT / "data"))))
    # SQLAlchemy URL; unset = SQLite file under data/. Production: postgresql+psycopg://...
    database_url: str = ""
    # Redis for Reflex state shared between workers; unset = one worker, state in memory.
    redis_url: str = field(default_factory=lambda: os.environ.get("REDIS_URL", "").strip())
    # Backend worker processes (granian). Without Redis state lives in one process's memory, so
    # it is always 1; with Redis, unset = one per CPU core (async workers; Reflex's own default of
    # 2×cores+1 suits blocking servers and only costs memory here).
    web_workers: int = field(default_factory=lambda: int(_env("WEB_WORKERS", "0")))
    # Chroma server URL (http://host:port); unset = embedded Chroma under data/chroma.
    chroma_url: str = field(default_factory=lambda: os.environ.get("CHROMA_URL", "").strip())
    # Key for hashing session tokens (HMAC); must be set to a long random value in production.
    secret_key: str = field(default_factory=lambda: _env("SECRET_KEY", _DEV_SECRET))
    # The port the app serves on. In production Reflex serves pages and the websocket on one port;
    # `reflex run` in development mode needs a different BACKEND_PORT.
    frontend_port: int = field(default_factory=lambda: int(_env("PORT", "3000")))
    backend_port: int = field(default_factory=lambda: int(_env("BACKEND_PORT", _env("PORT", "3000"))))
    # Public URL of the backend as the browser sees it; unset = http://localhost:<backend_port>.
    api_url: str = field(default_factory=lambda: os.environ.get("API_URL", "").strip())
    # Reverse proxies in front of the app that append to X-Forwarded-For (0 = none: the header is
    # ignored, as anyone can send it). The client address counts for login and reset limits.
    trusted_proxy_hops: int = field(default_factory=lambda: int(_env("TRUSTED_PROXY_HOPS", "0")))
    # How long a login lasts without being used, in days.
    session_days: int = field(default_factory=lambda: int(_env("SESSION_DAYS", "30")))
    # Failed-login limits over a sliding window (per username, per client address).
    login_window_minutes: int = field(default_factory=lambda: int(_env("LOGIN_WINDOW_MINUTES", "15")))
    login_max_failures_per_user: int = field(default_factory=lambda: int(_env("LOGIN_MAX_FAILURES_PER_USER", "5")))
    login_max_failures_per_client: int = field(default_factory=lambda: int(_env("LOGIN_MAX_FAILURES_PER_CLIENT", "20")))
    # Outgoing mail (password reset links): smtp://user:password@host:587 (STARTTLS) or
    # smtps://user:password@host:465; unset = each message is written to data/outbox/ instead.
    smtp_url: str = field(default_factory=lambda: os.environ.get("SMTP_URL", "").strip())
    # The sender of our mail.
    mail_from: str = field(default_factory=lambda: _env("MAIL_FROM", "Slice of Culture <no-reply@localhost>"))
    # The site's address as people reach it, for links in mail; unset = http://localhost:<port>.
    public_url: str = field(default_factory=lambda: os.environ.get("PUBLIC_URL", "").strip().rstrip("/"))
    # "production" refuses the development secret.
    environment: str = field(default_factory=lambda: _env("SOC_ENV", "development"))
    # Recommender refresh schedule, a crontab line (minute hour day month weekday); default nightly at 03:00.
    recs_refresh_cron: str = field(default_factory=lambda: _env("RECS_REFRESH_CRON", "0 3 * * *"))
    # Where the scheduled refresh runs: "app" = inside the web process (laptop default), "off" = not
    # there (production, where `python -m slice_of_culture.recs worker` runs it).
    recs_scheduler: str = field(default_factory=lambda: _env("RECS_SCHEDULER", "app").lower())
    # When the digest job runs (services/digests.py), a crontab line in UTC; "off" = never from the
    # app (`python -m slice_of_culture.manage send-digests` still sends). Hourly: each run sends to
    # those whose morning it is.
    digest_cron: str = field(default_factory=lambda: _env("DIGEST_CRON", "0 * * * *"))
    # The hour of a person's own day (their Settings time zone, 0-23) from which their digest is due.
    digest_hour: int = field(default_factory=lambda: int(_env("DIGEST_HOUR", "8")))
    # Training epochs of a refresh; unset = the two-tower model's default (TwoTowerConfig.epochs).
    recs_epochs: int | None = field(default_factory=lambda: int(v) if (v := _env("RECS_EPOCHS", "")) else None)

    def __post_init__(self) -> None:
        if not self.database_url:
            url = os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{self.data_dir / 'slice_of_culture.db'}"
            object.__setattr__(self, "database_url", url)
        if not self.redis_url:
            object.__setattr__(self, "web_workers", 1)
        elif self.web_workers <= 0:
            object.__setattr__(self, "web_workers", os.cpu_count() or 1)
        if not 0 <= self.digest_hour <= 23:
            raise RuntimeError("DIGEST_HOUR must be an hour of the day, 0 to 23")
        if self.environment == "production" and self.secret_key == _DEV_SECRET:
            raise RuntimeError("SECRET_KEY must be set in production")

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def uploads_path(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def outbox_path(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def site_url(self) -> str:
        return self.public_url or f"http://localhost:{self.frontend_port}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (environment read once)."""
    return Settings()
