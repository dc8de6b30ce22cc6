"""blogapp: a server-rendered community blog with comments and daily email digests."""

import os
import sys
from pathlib import Path
from typing import Any

from flask import Flask

from . import (
    account,
    admin,
    auth,
    blog,
    bulletins,
    comments,
    following,
    media,
    remote_images,
    subscriptions,
)
from .auth.session import configure_login_manager
from .backups import jobs as backup_jobs
from .backups import settings as backup_settings
from .bulletins import jobs as bulletin_jobs
from .bulletins import settings as bulletin_settings
from .caching import register_caching
from .caching import settings as cache_settings
from .changes import register_change_journal
from .cli import register_cli
from .comments import jobs as comment_jobs
from .comments import settings as comment_settings
from .config import load_config
from .database import configure_sqlite_connections
from .dates import register_date_filters
from .digest import jobs as digest_jobs
from .digest import settings as digest_settings
from .errors import register_error_pages
from .extensions import csrf, db, limiter, login_manager, migrate
from .following import jobs as following_jobs
from .following import settings as following_settings
from .importers import redirects
from .importers import settings as import_settings
from .limits import configure_rate_limits
from .mail import jobs as mail_jobs
from .mail import settings as mail_settings
from .mail import webhooks as mail_webhooks
from .mail.signing import check_signing_key
from .ops import settings as ops_settings
from .ops.logs import configure_logging
from .ops.metrics import register_metrics
from .ops.request_log import register_request_log
from .postgresql_connections import configure_postgresql_connections
from .scheduler import register_jobs
from .security import register_security_headers, trust_reverse_proxies
from .session_teardown import register_session_teardown
from .templating import register_template_globals
from .urls import BlogFlask, register_url_converters

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_FOLDER = Path(__file__).resolve().parent / "migrations"
#: Each feature keeps its settings' defaults in its own module; ``load_config`` merges them.
FEATURE_SETTINGS = (
    mail_settings,
    digest_settings,
    bulletin_settings,
    cache_settings,
    import_settings,
    backup_settings,
    comment_settings,
    ops_settings,
    following_settings,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application; wires things together and does nothing else."""
    app = BlogFlask(
        __name__,
        instance_path=instance_folder(test_config),
        instance_relative_config=True,
    )
    load_config(app, test_config, FEATURE_SETTINGS)
    if not app.testing:  # under tests, pytest captures the logs
        configure_logging(app)
    check_signing_key(app)
    register_extensions(app)
    register_url_converters(app)
    register_blueprints(app)
    register_jobs(
        app,
        mail_jobs.JOBS,
        digest_jobs.JOBS,
        bulletin_jobs.JOBS,
        remote_images.JOBS,
        backup_jobs.JOBS,
        comment_jobs.JOBS,
        following_jobs.JOBS,
    )
    register_change_journal(app)
    register_caching(app)
    register_error_pages(app)
    register_security_headers(app)
    register_metrics(app)
    register_request_log(app)
    trust_reverse_proxies(app)
    register_date_filters(app)
    register_template_globals(app)
    register_cli(app)
    return app


def instance_folder(test_config: dict[str, Any] | None) -> str:
    """Where the blog keeps its database, secret key, uploads and cache.

    A test or BLOGAPP_INSTANCE_PATH names it; otherwise ``instance/`` in the checkout, or,
    installed from a wheel, ``var/blogapp-instance`` under the environment (as Flask does).
    """
    if test_config is not None and test_config.get("INSTANCE_PATH"):
        return str(test_config["INSTANCE_PATH"])
    if os.environ.get("BLOGAPP_INSTANCE_PATH"):
        return os.environ["BLOGAPP_INSTANCE_PATH"]
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return str(PROJECT_ROOT / "instance")
    return str(Path(sys.prefix) / "var" / "blogapp-instance")


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_FOLDER), render_as_batch=True)
    csrf.init_app(app)
    configure_rate_limits(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    register_session_teardown(app)
    configure_login_manager(login_manager)
    with app.app_context():
        configure_sqlite_connections(db.engine)
        configure_postgresql_connections(db.engine)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(blog.bp)
    app.register_blueprint(auth.bp, url_prefix="/auth")
    app.register_blueprint(account.bp, url_prefix="/account")
    app.register_blueprint(comments.bp)
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(media.bp)
    app.register_blueprint(bulletins.bp)
    app.register_blueprint(redirects.bp)
    app.register_blueprint(subscriptions.bp)
    app.register_blueprint(mail_webhooks.bp, url_prefix="/mail/webhooks")
    app.register_blueprint(following.bp)
