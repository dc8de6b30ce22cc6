"""Signals other features connect to, so that one feature's writes need not know the others.

``account_deleted`` is sent with the User as sender inside the deletion's transaction, before
it commits: a receiver deletes or anonymises its own rows through ``db.session`` (flush, never
commit), so the account and everything tied to it go together or not at all. Subscriptions,
for one, must stop here.

``comment_published`` is sent with the Comment as sender after it became visible to readers
and the change was committed (a new comment, or a held one that an editor approved).

``changes_committed`` is sent with the app as sender after a session's outermost commit (or a
``changes.noting`` block) changed what readers see, with ``topics``: the set of topics
(``blogapp.changes``) it declared.
"""

from blinker import Namespace

signals = Namespace()

account_deleted = signals.signal("account-deleted")
comment_published = signals.signal("comment-published")
changes_committed = signals.signal("changes-committed")
