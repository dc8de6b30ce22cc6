"""Which cache generations each topic of the change journal ends, and how soon."""

from blogapp import changes
from blogapp.caching.changes import scope_changes


def test_a_new_comment_ends_its_post_and_the_comments_feed_within_seconds():
    ended = scope_changes({changes.new_comment(7), changes.COMMENT_COUNTS})

    assert ended.soon == {"post:7", "comments"}
    assert ended.at_once == set()
    assert ended.counts
    assert ended.commented == {7}


def test_a_comment_removed_or_edited_ends_its_post_and_the_comments_feed_at_once():
    ended = scope_changes({changes.thread(7)})

    assert ended.at_once == {"post:7", "comments"}
    assert not ended.counts


def test_posts_bulletins_and_settings_end_the_site_at_once():
    for topics in (
        {changes.post(7), changes.LISTINGS},
        {changes.BULLETINS, changes.SIDEBAR},
        {changes.SITE},
    ):
        assert scope_changes(topics).at_once == {"site"}
