"""What an import did (or, on a dry run, would do), in the words editors read."""

from dataclasses import dataclass

from ..text import counted


@dataclass
class ImportSummary:
    dry_run: bool = False
    #: The blog's title on Blogger (its BLOG_NAME setting, or the feed's title).
    blog_name: str = ""
    posts: int = 0
    drafts: int = 0
    pages: int = 0
    deleted_posts_skipped: int = 0
    #: Every comment written, replies and removed ones included.
    comments: int = 0
    replies: int = 0
    orphan_replies: int = 0
    removed_comments: int = 0
    comments_without_post: int = 0
    held_comments: int = 0
    labels: int = 0
    redirects: int = 0
    paths_in_use: int = 0
    posts_already_there: int = 0
    comments_already_there: int = 0
    templates: int = 0
    settings: int = 0
    other_entries: int = 0

    def lines(self) -> list[str]:
        """The summary, one fact a line, for the terminal and the editor pages alike."""
        lines = []
        if self.dry_run:
            lines.append("Dry run: the export was read and checked; nothing was written.")
        if self.blog_name:
            lines.append(f"Blog: {self.blog_name}")
        lines += [
            f"Posts: {self.posts}",
            f"Drafts (kept as drafts): {self.drafts}",
            f"Pages: {self.pages}",
            f"Comments: {self.comments}",
            f"Replies among them: {self.replies}",
            f"Replies whose parent is missing, now top-level: {self.orphan_replies}",
            f"Comments removed on Blogger, kept in place as removed: {self.removed_comments}",
            f"Labels: {self.labels}",
            f"Redirects from old Blogger addresses: {self.redirects}",
        ]
        lines += [text for number, text in self.exceptions() if number]
        if self.posts_already_there or self.comments_already_there:
            lines.append(
                "Already imported before, left as they are: "
                f"{counted(self.posts_already_there, 'post')}, "
                f"{counted(self.comments_already_there, 'comment')}"
            )
        skipped = [
            counted(self.templates, "template"),
            counted(self.settings, "setting"),
        ]
        lines.append("Skipped: " + ", ".join(skipped))
        return lines

    def exceptions(self) -> list[tuple[int, str]]:
        """Counts worth a line only when something happened."""
        return [
            (self.deleted_posts_skipped, f"Deleted posts skipped: {self.deleted_posts_skipped}"),
            (
                self.comments_without_post,
                f"Comments whose post is not in the export, skipped: {self.comments_without_post}",
            ),
            (
                self.held_comments,
                f"Comments not published on Blogger (spam or awaiting moderation), skipped: "
                f"{self.held_comments}",
            ),
            (
                self.paths_in_use,
                f"Old addresses already used by another post, not redirected: {self.paths_in_use}",
            ),
            (self.other_entries, f"Unknown entries skipped: {self.other_entries}"),
        ]
