"""Work the web process does on a clock besides the recommender's refresh (recs/jobs.py): the
notification digests (services/digests.py) on DIGEST_CRON, hourly by default: each run sends to
those whose morning it is in their own time zone. With several workers each schedules the job;
its lock and `User.digest_sent_at` make one of them send, once."""

from __future__ import annotations

import logging
from typing import Any

from slice_of_culture.config import get_settings

log = logging.getLogger(__name__)


def _send_digests() -> None:
    from slice_of_culture.services.digests import send_digests

    try:
        send_digests()
    except Exception:
        # A bad run is logged; the next one tries again (nothing was marked sent).
        log.exception("digests: the run failed")


def start_digests() -> Any:
    """Start a background scheduler for the digests, or return None when DIGEST_CRON=off."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from slice_of_culture.recs.jobs import crontab_trigger

    line = get_settings().digest_cron.strip()
    if line.lower() == "off":
        return None
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(
        _send_digests,
        crontab_trigger(line, "DIGEST_CRON"),
        id="digests",
        name="notification digests",
        coalesce=True,
        max_instances=1,
        # A run missed while the process was down still happens if it comes back within 6 hours.
        misfire_grace_time=6 * 3600,
        replace_existing=True,
    )
    scheduler.start()
    log.info("notification digests scheduled: %s", line)
    return scheduler
