"""The migrations form one line: one head, and ids that parallel work cannot both take."""

import re
from pathlib import Path

from alembic.script import ScriptDirectory

import blogapp

MIGRATIONS = Path(blogapp.__file__).parent / "migrations"
#: The ids given before revisions were named by date and subject; no new one takes this form.
NUMBERED = {f"000{number}" for number in range(1, 8)}
DATED = re.compile(r"\d{8}_[a-z0-9]+(_[a-z0-9]+)*")


def revisions() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def test_there_is_exactly_one_head():
    heads = revisions().get_heads()
    assert len(heads) == 1, f"several heads {heads}: point the newer ones' down_revision in turn"


def test_new_revisions_are_named_by_date_and_subject():
    for revision in revisions().walk_revisions():
        if revision.revision in NUMBERED:
            continue
        assert DATED.fullmatch(revision.revision), (
            f"{revision.revision}: name it YYYYMMDD_<subject>, e.g. 20261207_subscription_streams"
        )
        assert Path(revision.path).stem == revision.revision
