"""Writing posts: the list, the editor (preview, draft, publish, schedule), unpublish, delete."""

from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from ..blog.operations import create_post, delete_post, unpublish_post, update_post
from ..blog.views import requested_page
from ..dates import format_date_time, utcnow
from ..extensions import db
from ..images import recent_uploads
from ..models import Post, PostKind, PostStatus
from ..text import RenderedBody, render_post_body
from ..urls import address_of
from . import bp
from .forms import ConfirmForm, PostForm
from .queries import (
    SHOWN_STATUSES,
    pages_for_editors,
    post_counts_by_shown_status,
    post_or_404,
    posts_for_editors,
)
from .uploads import upload_chosen_image, upload_limit

POSTS_PER_PAGE = 25
RECENT_IMAGES = 6
#: The buttons of the post editor, by the ``action`` value each one sends.
EDITOR_ACTIONS = {"preview", "upload", "draft", "publish", "schedule", "update", "unpublish"}


def kept_time(publish_at: datetime | None, post: Post | None) -> datetime | None:
    """The time typed in, or the post's own when the editor left it as shown (to the minute)."""
    saved = post.published_at if post else None
    if publish_at is None or (saved and saved.replace(second=0, microsecond=0) == publish_at):
        return saved
    return publish_at


def publication_for(
    action: str, publish_at: datetime | None, post: Post | None
) -> tuple[PostStatus, datetime | None]:
    """The status and time a button gives a post (``publish_at`` as the editor typed it)."""
    if action == "publish":
        return PostStatus.PUBLISHED, utcnow()
    if action == "schedule":
        return PostStatus.SCHEDULED, publish_at
    if action == "update":
        return PostStatus.PUBLISHED, kept_time(publish_at, post) or utcnow()
    if action == "unpublish":
        return PostStatus.DRAFT, None
    return PostStatus.DRAFT, publish_at


def post_link(post: Post) -> str:
    return address_of(post)


def saved_message(post: Post, action: str) -> Markup:
    """What the editor is told after saving, with a link to the post when readers can see it."""
    if post.is_public:
        verb = {"publish": "Published", "update": "Updated"}.get(action, "Saved")
        return Markup('{} “{}”. <a href="{}">View it on the blog</a>.').format(
            verb, post.title, post_link(post)
        )
    if post.status != PostStatus.DRAFT:
        return Markup(
            'Scheduled “{}” for {}. It appears on the blog then; until then you can <a href="{}">'
            "preview it</a>."
        ).format(
            post.title,
            format_date_time(post.published_at),
            url_for("admin.preview_post", post_id=post.id),
        )
    if action == "unpublish":
        return Markup(
            "Unpublished “{}”: it is a draft again and readers can no longer see it."
        ).format(post.title)
    return Markup("Saved “{}” as a draft. Readers cannot see it until you publish it.").format(
        post.title
    )


def deleted_message(title: str, comments: int) -> str:
    if not comments:
        return f"Deleted “{title}”."
    return f"Deleted “{title}” and its {'comment' if comments == 1 else f'{comments} comments'}."


def form_values(post: Post) -> dict[str, object]:
    """A saved post as the editor's form shows it."""
    return {
        "title": post.title,
        "body": post.body_source,
        "labels": ", ".join(label.name for label in post.labels),
        "series": post.series.name if post.series else "",
        "series_number": post.series_number,
        "comments_open": post.comments_open,
        "publish_at": post.published_at,
        "nav_order": post.nav_order,
    }


def render_editor(
    form: PostForm,
    post: Post | None,
    preview: RenderedBody | None = None,
    kind: PostKind = PostKind.POST,
) -> str:
    return render_template(
        "admin/post_form.html",
        form=form,
        post=post,
        is_page=post.is_page if post else kind == PostKind.PAGE,
        preview=preview,
        recent_images=recent_uploads(RECENT_IMAGES),
        max_image_size=upload_limit(),
        zone_name=current_app.config["BLOG_TIMEZONE"],
    )


def save_from_editor(form: PostForm, post: Post | None, action: str, kind: PostKind) -> Post:
    """Create or update the post with the fields and the status the button asked for."""
    status, when = publication_for(action, form.publish_at.data, post)
    if post is None:
        return create_post(form.post_fields(), current_user, status, when, kind)
    return update_post(post, form.post_fields(), status, when)


def respond_to_editor(
    form: PostForm, post: Post | None, kind: PostKind = PostKind.POST
) -> Response | tuple[str, int]:
    """Do what the pressed button asks; nothing is saved unless the form is valid."""
    action = request.form.get("action", "")
    if action not in EDITOR_ACTIONS:
        abort(400)
    if action == "upload":
        uploaded = upload_chosen_image(form)
        return render_editor(form, post, kind=kind), 200 if uploaded else 422
    valid = form.validate_for(action, post_id=post.id if post else None)
    if action == "preview":
        preview = render_post_body(form.body.data or "")
        return render_editor(form, post, preview, kind), 200 if valid else 422
    if not valid:
        return render_editor(form, post, kind=kind), 422
    saved = save_from_editor(form, post, action, kind)
    flash(saved_message(saved, action), "success")
    return redirect(url_for("admin.edit_post", post_id=saved.id))


@bp.get("/posts")
def posts() -> str:
    status = request.args.get("status") or None
    if status is not None and status not in SHOWN_STATUSES:
        abort(404)
    pagination = db.paginate(
        posts_for_editors(status), page=requested_page(), per_page=POSTS_PER_PAGE, error_out=True
    )
    return render_template(
        "admin/posts.html",
        pagination=pagination,
        status=status,
        statuses=SHOWN_STATUSES,
        counts=post_counts_by_shown_status(),
    )


@bp.route("/posts/new", methods=["GET", "POST"])
def new_post() -> str | Response | tuple[str, int]:
    form = PostForm()
    if not form.is_submitted():
        return render_editor(form, None)
    return respond_to_editor(form, None)


@bp.get("/pages")
def pages() -> str:
    return render_template("admin/pages.html", pages=pages_for_editors())


@bp.route("/pages/new", methods=["GET", "POST"])
def new_page() -> str | Response | tuple[str, int]:
    form = PostForm()
    if not form.is_submitted():
        return render_editor(form, None, kind=PostKind.PAGE)
    return respond_to_editor(form, None, PostKind.PAGE)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def edit_post(post_id: int) -> str | Response | tuple[str, int]:
    post = post_or_404(post_id)
    if request.method == "GET":
        return render_editor(PostForm(data=form_values(post)), post)
    return respond_to_editor(PostForm(), post)


@bp.get("/posts/<int:post_id>/preview")
def preview_post(post_id: int) -> str:
    """A saved post as readers will see it, whatever its status."""
    return render_template("admin/post_preview.html", post=post_or_404(post_id))


@bp.post("/posts/<int:post_id>/unpublish", endpoint="unpublish_post")
def unpublish(post_id: int) -> Response:
    post = post_or_404(post_id)
    unpublish_post(post)
    flash(saved_message(post, "unpublish"), "success")
    return redirect(url_for("admin.edit_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"], endpoint="delete_post")
def confirm_delete(post_id: int) -> str | Response:
    """Ask first (showing what goes with the post), then delete."""
    post = post_or_404(post_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("admin/post_delete.html", post=post, form=form)
    message = deleted_message(post.title, post.comment_count)
    delete_post(post)
    flash(message, "success")
    return redirect(url_for("admin.pages" if post.is_page else "admin.posts"))
