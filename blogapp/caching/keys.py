"""The keys of what the shared cache holds.

Generations are filed under the database's identity alone (``generations``); pages and
fragments under the code's fingerprint too, so that after an upgrade no worker serves a page
rendered by the old templates or reads a fragment stored in an old form, while hosts of both
releases still hear of every change.
"""

import hashlib
from collections.abc import Mapping
from functools import cache as once_per_process
from pathlib import Path

from flask import Flask

from .identity import database_identity


@once_per_process
def code_fingerprint(*folders: Path) -> str:
    """A digest of every file under ``folders``: the code and templates that render pages."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def code_version_of(app: Flask) -> str:
    """The fingerprint of ``app``'s code and templates."""
    return code_fingerprint(Path(app.root_path), Path(app.root_path, app.template_folder))


def release_prefix(app: Flask, identity: str | None = None) -> str:
    """What this release of the code keeps for this database is filed under."""
    return f"{app.config['CACHE_CODE_VERSION']}:{identity or database_identity(app)}"


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def tokens_of(generations: Mapping[str, object]) -> str:
    return ",".join(f"{scope}={generations[scope].token}" for scope in sorted(generations))


def page_key(app: Flask, identity: str, address: str, site: object, shown: Mapping) -> str:
    """A page: its address, under the site generation and those of the scopes it shows."""
    digest = digest_of(f"{address}\n{tokens_of(shown)}")
    return f"page:{release_prefix(app, identity)}:{site.token}:{digest}"


def scopes_key(app: Flask, identity: str, address: str, site: object) -> str:
    """Which scopes the page at ``address`` showed when it was stored."""
    return f"page-scopes:{release_prefix(app, identity)}:{site.token}:{digest_of(address)}"


def fragment_key(app: Flask, name: str, site: object, shown: Mapping) -> str:
    suffix = f":{tokens_of(shown)}" if shown else ""
    return f"{name}:{release_prefix(app)}:{site.token}{suffix}"
