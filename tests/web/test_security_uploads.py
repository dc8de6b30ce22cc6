"""Files that lie about what they are: refused, or stored and served only as the image
their bytes say they are; and no path reaches a file outside the folders served."""

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from support.importing import database_snapshot
from support.security import ADMIN, Cast, png_bytes

from blogapp.extensions import db
from blogapp.mail.catcher import outbox_folder, save_to_outbox
from blogapp.models import Upload

SCRIPT = b"<script>alert(document.cookie)</script>"
HTML_PAGE = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">' + SCRIPT + b"</svg>"
PHP = b"<?php system($_GET['c']); ?>"
SECRET = "the contents of a file nobody may download"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("index.html", HTML_PAGE)
    return buffer.getvalue()


def image_with_html_inside(kind: str) -> bytes:
    """A real image whose metadata holds a page of HTML (a polyglot that decodes fine)."""
    buffer = io.BytesIO()
    picture = Image.new("RGB", (3, 3), (0, 90, 160))
    if kind == "PNG":
        metadata = PngInfo()
        metadata.add_text("Comment", HTML_PAGE.decode())
        picture.save(buffer, "PNG", pnginfo=metadata)
    else:
        picture.save(buffer, "GIF", comment=HTML_PAGE)
    return buffer.getvalue()


#: Named as images, but not images the blog takes: each must be refused.
LIES = {
    "page.png": HTML_PAGE,
    "drawing.jpg": SVG,
    "drawing.svg": SVG,
    "shell.gif": PHP,
    "shell.php.png": PHP,
    "truncated.png": png_bytes()[:40] + HTML_PAGE,
    "polyglot.gif": b"GIF89a/*" + SCRIPT + b"*/=1;",
    "polyglot.jpg": b"\xff\xd8\xff\xe0" + HTML_PAGE,
    "archive.png": zip_bytes(),
    "archive.zip": zip_bytes(),
    "page.html": HTML_PAGE,
}
#: The two places an editor uploads an image: the Images page and the post editor.
UPLOAD_FORMS = {
    "/admin/uploads": {},
    "/admin/posts/new": {"action": "upload", "title": "", "body": ""},
}


@pytest.fixture
def cast(app):
    return Cast(app)


def upload(cast: Cast, form: str, name: str, content: bytes):
    data = {**UPLOAD_FORMS[form], "image": (io.BytesIO(content), name)}
    return cast.clients[ADMIN].post(form, data={**data, "csrf_token": cast.token(ADMIN)})


def stored_files(app) -> set[Path]:
    return {path for path in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if path.is_file()}


def test_files_that_are_not_images_we_take_are_refused_whatever_their_name(app, cast):
    before = database_snapshot(), stored_files(app)
    problems = []
    for form in UPLOAD_FORMS:
        for name, content in LIES.items():
            response = upload(cast, form, name, content)
            message = f"“{name}” is not a JPEG, PNG, GIF or WebP image"
            if response.status_code != 422 or message not in response.text:
                problems.append(f"{form} {name}: {response.status}")

    assert problems == []
    assert (database_snapshot(), stored_files(app)) == before


@pytest.mark.parametrize("form", UPLOAD_FORMS)
def test_a_real_image_named_as_a_page_is_kept_and_served_as_the_image_it_is(app, cast, form):
    response = upload(cast, form, "invoice.html", png_bytes())

    assert response.status_code in (200, 302)
    stored = db.session.scalars(db.select(Upload)).one()
    assert stored.path.endswith(".png")
    assert stored.content_type == "image/png"
    assert stored.original_name == "invoice.html"
    served = cast.clients["visitor"].get(f"/uploads/{stored.path}")
    assert served.status_code == 200
    assert served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    served.close()


@pytest.mark.parametrize("kind", ["PNG", "GIF"])
def test_an_image_carrying_html_inside_is_only_ever_served_as_an_image(app, cast, kind):
    response = upload(
        cast, "/admin/uploads", f"picture.{kind.lower()}", image_with_html_inside(kind)
    )

    assert response.status_code == 302
    stored = db.session.scalars(db.select(Upload)).one()
    served = cast.clients["visitor"].get(f"/uploads/{stored.path}")
    assert served.mimetype == f"image/{kind.lower()}"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in served.headers["Content-Security-Policy"]
    served.close()


def test_no_path_under_uploads_reaches_a_file_outside_the_upload_folder(app, cast):
    instance = Path(app.instance_path)
    (instance / "secret.png").write_text(SECRET)
    (instance / "secret_key.png").write_text(SECRET)
    cast.upload()
    outside = [
        "../secret.png", "..%2fsecret.png", "%2e%2e/secret.png", "%2e%2e%2fsecret.png",
        "..%5csecret.png", "..\\secret.png", "2026/../../secret.png", "....//secret.png",
        "%252e%252e%252fsecret.png", "..%c0%afsecret.png", f"{instance}/secret.png",
        f"/{instance}/secret_key.png", "%00../secret.png", "secret.png%00.png",
    ]  # fmt: skip
    problems = []
    for path in outside:
        response = cast.clients["visitor"].get(f"/uploads/{path}", follow_redirects=True)
        body = response.get_data()
        response.close()
        if response.status_code != 404 or SECRET.encode() in body:
            problems.append(f"/uploads/{path}: {response.status}")

    assert problems == []


def test_no_outbox_name_reaches_a_file_outside_the_outbox(app, cast):
    folder = outbox_folder()
    save_to_outbox(folder, b"Subject: a real message\r\n\r\nHello.\r\n")
    sneaky_name = "20260101T000000000000-0badc0de.eml"
    (folder.parent / sneaky_name).write_text(f"Subject: {SECRET}\r\n\r\n{SECRET}\r\n")
    (folder.parent / "secret_key").write_text(SECRET)
    names = [
        f"..%2f{sneaky_name}", f"%2e%2e%2f{sneaky_name}", f"..%5c{sneaky_name}",
        f"..\\{sneaky_name}", "..%2fsecret_key", "..", "%2e%2e", f"{folder.parent}/secret_key",
        f".{sneaky_name}.part", f"{sneaky_name}%00", f"{sneaky_name}/..%2f..%2fsecret_key",
    ]  # fmt: skip
    problems = []
    for name in names:
        response = cast.clients[ADMIN].get(f"/admin/outbox/{name}", follow_redirects=True)
        if response.status_code != 404 or SECRET in response.text:
            problems.append(f"/admin/outbox/{name}: {response.status}")

    assert problems == []


@pytest.mark.parametrize("content", [HTML_PAGE, zip_bytes(), png_bytes()])
def test_a_blogger_export_that_is_not_one_is_refused_with_a_reason(app, cast, content):
    before = database_snapshot()

    response = cast.clients[ADMIN].post(
        "/admin/import",
        data={"export": (io.BytesIO(content), "blog.xml"), "csrf_token": cast.token(ADMIN)},
    )

    assert response.status_code == 422
    assert 'class="field-errors"' in response.text
    assert database_snapshot() == before
