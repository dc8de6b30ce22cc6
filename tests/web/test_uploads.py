"""Editors upload images, checked by content, and readers' browsers fetch them from /uploads/."""

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from support.accounts import TEST_PASSWORD

from blogapp.extensions import db
from blogapp.models import Post, Upload

UPLOADS = "/admin/uploads"
STORED_PATH = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{20}\.(?:jpg|png|gif|webp)$")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def signed_in(client, editor):
    client.login("editor@example.org", TEST_PASSWORD)
    return client


@pytest.fixture
def upload_folder(app) -> Path:
    return Path(app.config["UPLOAD_FOLDER"])


def image_bytes(image_format: str, size: tuple[int, int] = (40, 30), noisy: bool = False) -> bytes:
    """A real image made by Pillow (noise makes it large and hard to compress)."""
    if noisy:
        image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        image = Image.new("RGB", size, (180, 30, 40))
    buffer = io.BytesIO()
    image.save(buffer, image_format)
    return buffer.getvalue()


def send(client, data: bytes, name: str, description: str = "", **kwargs):
    files = {"image": (io.BytesIO(data), name), "image_description": description}
    return client.submit(UPLOADS, files, page=UPLOADS, **kwargs)


def stored_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


def upload_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Upload))


@pytest.mark.parametrize(
    ("image_format", "name", "content_type"),
    [
        ("PNG", "march.png", "image/png"),
        ("JPEG", "rally photo.JPG", "image/jpeg"),
        ("GIF", "banner.gif", "image/gif"),
        ("WEBP", "picket.webp", "image/webp"),
    ],
)
def test_an_uploaded_image_is_stored_listed_and_served_for_a_year(
    signed_in, upload_folder, image_format, name, content_type
):
    data = image_bytes(image_format)
    response = send(signed_in, data, name, "Members outside the office", follow_redirects=True)
    assert response.status_code == 200

    upload = db.session.scalars(select(Upload)).one()
    assert STORED_PATH.match(upload.path)
    assert (upload.original_name, upload.content_type) == (name, content_type)
    assert (upload.width, upload.height, upload.size) == (40, 30, len(data))
    assert (upload_folder / upload.path).read_bytes() == data
    assert f"Uploaded “{name}”" in response.text
    assert f"![Members outside the office](/uploads/{upload.path})" in response.text
    assert upload.description == "Members outside the office"
    listed = signed_in.get(UPLOADS).text
    assert (
        f'<code class="upload__markdown">![Members outside the office](/uploads/{upload.path})'
        in listed
    )
    assert 'alt="Members outside the office (full size)"' in listed
    assert f'<img src="/uploads/{upload.path}"' in response.text

    signed_in.logout()
    with signed_in.get(f"/uploads/{upload.path}") as served:
        assert served.status_code == 200
        assert served.data == data
        assert served.mimetype == content_type
        assert set(served.headers["Cache-Control"].split(", ")) == {
            "public",
            "max-age=31536000",
            "immutable",
        }
        assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_the_type_is_taken_from_the_bytes_not_the_name(signed_in):
    send(signed_in, image_bytes("JPEG"), "actually-a-jpeg.png")
    upload = db.session.scalars(select(Upload)).one()
    assert upload.path.endswith(".jpg")
    assert upload.content_type == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (HTML, "photo.png"),
        (SVG, "logo.png"),
        (SVG, "logo.svg"),
        (b"GIF89a" + b"\x00" * 20, "broken.gif"),
        (image_bytes("PNG")[:60], "cut-short.png"),
        (image_bytes("BMP"), "old.bmp"),
    ],
)
def test_a_file_that_is_not_an_image_we_take_is_refused_and_nothing_is_stored(
    signed_in, upload_folder, data, name
):
    response = send(signed_in, data, name)
    assert response.status_code == 422
    assert f"“{name}” is not a JPEG, PNG, GIF or WebP image" in response.text
    assert 'aria-describedby="image-hint image-errors"' in response.text
    assert upload_count() == 0
    assert stored_files(upload_folder) == []


def test_an_image_over_the_size_limit_is_refused(app, signed_in, upload_folder):
    app.config["UPLOAD_MAX_BYTES"] = 20_000
    data = image_bytes("PNG", (200, 200), noisy=True)
    assert len(data) > 20_000
    response = send(signed_in, data, "huge.png")
    assert response.status_code == 422
    assert "“huge.png” is larger than" in response.text
    assert upload_count() == 0
    assert stored_files(upload_folder) == []


def test_a_request_over_the_servers_limit_gets_the_styled_413_page(app, signed_in, upload_folder):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = send(signed_in, image_bytes("PNG", (200, 200), noisy=True), "enormous.png")
    assert response.status_code == 413
    assert "<h1>Too large</h1>" in response.text
    assert "Nothing was saved" in response.text
    assert upload_count() == 0
    assert stored_files(upload_folder) == []


def test_pressing_upload_without_a_file_says_so(signed_in):
    response = signed_in.submit(UPLOADS, {"image_description": "x"}, page=UPLOADS)
    assert response.status_code == 422
    assert "Choose an image file to upload." in response.text


def test_an_upload_without_its_csrf_token_is_refused(signed_in, upload_folder):
    response = signed_in.post(UPLOADS, data={"image": (io.BytesIO(image_bytes("PNG")), "a.png")})
    assert response.status_code == 400
    assert upload_count() == 0
    assert stored_files(upload_folder) == []


def test_visitors_cannot_upload(client, upload_folder):
    files = {"image": (io.BytesIO(image_bytes("PNG")), "a.png")}
    response = client.submit(UPLOADS, files, page="/auth/login")
    assert response.status_code == 302
    assert upload_count() == 0
    assert stored_files(upload_folder) == []


@pytest.mark.parametrize(
    "path",
    [
        "/uploads/2026/01/0123456789abcdef0123.png",
        "/uploads/../secret_key",
        "/uploads/%2e%2e/blog.db",
        "/uploads/notes.html",
        "/uploads/2026/",
    ],
)
def test_anything_but_a_stored_image_under_uploads_is_a_404(client, upload_folder, path):
    upload_folder.mkdir(parents=True, exist_ok=True)
    (upload_folder / "notes.html").write_text("<script>alert(1)</script>")
    response = client.get(path)
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_the_images_page_lists_uploads_newest_first_in_pages(signed_in):
    for number in range(26):
        send(signed_in, image_bytes("PNG", (10 + number, 10)), f"image-{number:02d}.png")
    first = signed_in.get(UPLOADS).text
    assert first.index("image-25.png") < first.index("image-24.png")
    assert "image-01.png" not in first
    assert "Page 1 of 2" in first
    assert "image-01.png" in signed_in.get(f"{UPLOADS}?page=2").text
    assert signed_in.get(f"{UPLOADS}?page=3").status_code == 404


def test_an_editor_writes_a_post_with_an_image_without_losing_their_text(signed_in):
    typed = {
        "title": "Picket lines across the region",
        "body": "> Members stood firm in the rain.\n\nPhoto below.",
        "labels": "Napo, Strike",
        "comments_open": "y",
    }
    files = {"image": (io.BytesIO(image_bytes("JPEG")), "picket.jpg")}
    uploaded = signed_in.submit(
        "/admin/posts/new",
        {**typed, **files, "image_description": "A picket line", "action": "upload"},
        page="/admin/posts/new",
    )
    assert uploaded.status_code == 200
    upload = db.session.scalars(select(Upload)).one()
    markdown = f"![A picket line](/uploads/{upload.path})"
    assert markdown in uploaded.text
    assert 'value="Picket lines across the region"' in uploaded.text
    assert "&gt; Members stood firm in the rain." in uploaded.text
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0

    body = typed["body"] + "\n\n" + markdown
    published = signed_in.submit(
        "/admin/posts/new",
        {**typed, "body": body, "action": "publish"},
        page="/admin/posts/new",
        follow_redirects=True,
    )
    assert "Published “Picket lines across the region”" in published.text
    home = signed_in.get("/").text
    assert f'<img src="/uploads/{upload.path}" alt="A picket line">' in home
    assert "<blockquote>" in home
    with signed_in.get(f"/uploads/{upload.path}") as served:
        assert served.status_code == 200


def test_a_refused_image_on_the_post_page_keeps_the_text_and_saves_nothing(
    signed_in, upload_folder
):
    files = {"image": (io.BytesIO(HTML), "photo.png")}
    response = signed_in.submit(
        "/admin/posts/new",
        {"title": "Half written", "body": "Some words.", **files, "action": "upload"},
        page="/admin/posts/new",
    )
    assert response.status_code == 422
    assert "“photo.png” is not a JPEG, PNG, GIF or WebP image" in response.text
    assert 'value="Half written"' in response.text
    assert "Some words." in response.text
    assert upload_count() == 0
    assert stored_files(upload_folder) == []
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0
