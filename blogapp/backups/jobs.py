"""The daily backup, at BACKUP_TIME on the blog's clock, when BACKUP_DIR is set."""

import logging
from datetime import time

from apscheduler.triggers.cron import CronTrigger
from flask import current_app

from ..dates import blog_zone
from ..scheduler import Job
from .making import BackupMade, make_backup

log = logging.getLogger(__name__)


def scheduled_backup() -> BackupMade | None:
    if not current_app.config.get("BACKUP_DIR"):
        return None
    made = make_backup()
    log.info(made.summary)
    return made


def backup_trigger() -> CronTrigger:
    clock = time.fromisoformat(current_app.config["BACKUP_TIME"])
    return CronTrigger(hour=clock.hour, minute=clock.minute, timezone=blog_zone())


JOBS = [Job("backup", "Daily backup", scheduled_backup, backup_trigger)]
