"""What editors and administrators may do to other people's accounts: roles and bans."""

from ..extensions import db
from ..models import Role, User
from .operations import AccountError


def management_refusal(actor: User, target: User) -> str | None:
    """Why ``actor`` may not ban or unban ``target``, or None when they may."""
    if not actor.is_editor:
        return "Only editors can manage accounts."
    if target.id == actor.id:
        return "You cannot change your own account from this page."
    if target.is_deleted:
        return "That account has been deleted."
    if target.is_editor and not actor.is_admin:
        return "Only an administrator can ban or change an editor or administrator."
    return None


def role_change_refusal(actor: User, target: User) -> str | None:
    """Only administrators give or take away the editor and administrator roles."""
    if not actor.is_admin:
        return "Only an administrator can change roles."
    return management_refusal(actor, target)


def change_role(actor: User, target: User, role: Role) -> None:
    refusal = role_change_refusal(actor, target)
    if refusal:
        raise AccountError(refusal)
    target.role = role
    db.session.commit()


def set_banned(actor: User, target: User, banned: bool) -> None:
    """Ban (logged out everywhere at once, and kept out) or lift a ban."""
    refusal = management_refusal(actor, target)
    if refusal:
        raise AccountError(refusal)
    target.banned = banned
    if banned:
        target.end_sessions()
    db.session.commit()
