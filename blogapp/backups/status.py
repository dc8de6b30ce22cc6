"""What the admin front page says about backups: the last one, and whether it is overdue."""

from dataclasses import dataclass
from datetime import timedelta

from ..dates import utcnow
from ..extensions import db
from ..models import Backup

#: A backup older than this is worth a warning: two daily runs have been missed.
OVERDUE_AFTER = timedelta(days=2)


@dataclass(frozen=True)
class BackupStatus:
    last: Backup | None
    scheduled: bool

    @property
    def overdue(self) -> bool:
        return self.last is not None and utcnow() - self.last.made_at > OVERDUE_AFTER


def backup_status(backup_folder: str | None) -> BackupStatus:
    last = db.session.scalar(db.select(Backup).order_by(Backup.made_at.desc()).limit(1))
    return BackupStatus(last=last, scheduled=bool(backup_folder))
