"""All mail leaves through ``blogapp/mail/``: no other module talks SMTP or runs a mail server."""

import ast
from pathlib import Path

import blogapp

MAIL_MODULES = {"smtplib", "flask_mail", "aiosmtpd"}
PACKAGE = Path(blogapp.__file__).parent


def imported_modules(source: str) -> set[str]:
    """The top-level names of every module ``source`` imports, wherever the import is."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_mail_package_imports_smtp_or_mail_server_libraries():
    offenders = {
        str(path.relative_to(PACKAGE.parent)): sorted(
            imported_modules(path.read_text()) & MAIL_MODULES
        )
        for path in PACKAGE.rglob("*.py")
        if PACKAGE / "mail" not in path.parents
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_check_sees_every_kind_of_import():
    source = (
        "import smtplib\nfrom aiosmtpd.controller import Controller\n"
        "def f():\n    import flask_mail\n"
    )
    assert imported_modules(source) == MAIL_MODULES
