"""deploy/, the Dockerfile and compose.yaml say the same commands the wheel test runs, and
the nginx site passes ``nginx -t``."""

import shutil
import subprocess

import pytest
import yaml
from support.deployment import (
    BUILD_WHEEL,
    DEPLOY,
    MIGRATE,
    SCHEDULER,
    SERVE_IN_CONTAINER,
    dockerfile_commands,
    unit_exec_start,
)
from support.services import REPO_ROOT, skip_or_fail

SYSTEMD = DEPLOY / "systemd"


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "compose.yaml").read_text())


def test_the_dockerfile_builds_installs_and_serves_as_the_wheel_test_does():
    commands = dockerfile_commands()
    assert BUILD_WHEEL in commands
    installs = [command for command in commands if command[:2] == ("pip", "install")]
    assert installs
    assert all("--no-deps" not in command for command in installs)
    assert commands[-1] == SERVE_IN_CONTAINER


def test_compose_runs_migrations_once_then_the_web_and_the_scheduler(compose):
    services = compose["services"]
    assert tuple(services["migrate"]["command"]) == MIGRATE
    assert tuple(services["web"]["command"]) == SERVE_IN_CONTAINER
    assert tuple(services["scheduler"]["command"]) == SCHEDULER
    for name in ("web", "scheduler"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
        assert "instance:/var/lib/blogapp/instance" in services[name]["volumes"]
    assert services["migrate"]["restart"] == "no"


def test_compose_keeps_rate_limits_and_the_cache_in_separate_redis_databases(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["RATELIMIT_STORAGE_URI"] != environment["CACHE_REDIS_URL"]
    redis = compose["services"]["redis"]["command"]
    assert redis[redis.index("--maxmemory-policy") + 1] == "volatile-lru"


def test_compose_refuses_to_start_without_the_secrets_an_operator_must_give(compose):
    environment = compose["services"]["web"]["environment"]
    for name in ("SECRET_KEY", "SITE_URL", "MAIL_SERVER"):
        assert environment[name].startswith("${" + name + ":?")


def test_the_systemd_units_run_the_same_commands():
    assert unit_exec_start(SYSTEMD / "blogapp-migrate.service") == MIGRATE
    assert unit_exec_start(SYSTEMD / "blogapp-scheduler.service") == SCHEDULER
    web = unit_exec_start(SYSTEMD / "blogapp-web.service")
    assert web[0] == "gunicorn"
    assert web[-1] == "blogapp.wsgi:app"
    assert web[web.index("--access-logfile") + 1] == "-"
    assert unit_exec_start(SYSTEMD / "blogapp-digest@.service") == (
        "flask",
        "--app",
        "blogapp",
        "digest",
        "run",
    )


def test_every_unit_reads_the_settings_file_and_runs_as_the_blog_user():
    for unit in SYSTEMD.glob("*.service"):
        text = unit.read_text()
        assert "EnvironmentFile=/etc/blogapp/env" in text, unit.name
        assert "User=blogapp" in text, unit.name


def test_the_example_settings_carry_no_secret():
    settings = dict(
        line.split("=", 1)
        for line in (SYSTEMD / "blogapp.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert settings["SECRET_KEY"] == ""
    assert settings["RATELIMIT_STORAGE_URI"] != settings["CACHE_REDIS_URL"]


def self_signed_certificate(folder) -> tuple[str, str]:
    certificate, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=blog.example.org", "-keyout", str(key), "-out", str(certificate)),
        ],
        check=True,
        capture_output=True,
    )
    return str(certificate), str(key)


def test_the_nginx_site_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        skip_or_fail("nginx is not installed (apt-get install nginx)")
    certificate, key = self_signed_certificate(tmp_path)
    site = (DEPLOY / "nginx" / "blogapp.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/blog.example.org/fullchain.pem", certificate)
    site = site.replace("/etc/letsencrypt/live/blog.example.org/privkey.pem", key)
    (tmp_path / "blogapp.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/error.log;\npid {tmp_path}/nginx.pid;\n"
        "events {}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/blogapp.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
