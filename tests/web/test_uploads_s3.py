"""Images kept where every host sees them: with UPLOADS_S3_URL, an editor's upload on one
server is served by another with its own instance folder, from an S3-compatible bucket
(moto's server, run here on a free port); a bucket that is away refuses the upload with a
message and changes nothing."""

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer
from sqlalchemy import func, select
from support.accounts import TEST_PASSWORD
from support.client import BlogClient
from support.hung_server import unreachable_port
from support.security import png_bytes
from support.smtp import free_port

from blogapp import create_app
from blogapp.extensions import db
from blogapp.models import Upload
from blogapp.upload_storage import BucketAddress, parse_bucket_url

BUCKET = "blog-images"
UPLOADS = "/admin/uploads"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket_url(s3_endpoint, monkeypatch) -> str:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    client = bucket_client(s3_endpoint)
    client.create_bucket(Bucket=BUCKET)
    yield f"s3://{BUCKET}/blog/images?endpoint={s3_endpoint}&region=us-east-1"
    for listed in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=listed["Key"])
    client.delete_bucket(Bucket=BUCKET)


def bucket_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def app_config(app_config: dict, bucket_url: str) -> dict:
    return {**app_config, "UPLOADS_S3_URL": bucket_url}


@pytest.fixture
def other_host(app_config: dict, tmp_path: Path) -> Iterator:
    """A second server on the same database, with an instance folder of its own."""
    other = create_app({**app_config, "INSTANCE_PATH": str(tmp_path / "other-host")})
    yield other
    with other.app_context():
        db.engine.dispose()


def upload(client, data: bytes) -> None:
    files = {"image": (io.BytesIO(data), "march.png"), "image_description": "The march"}
    return client.submit(UPLOADS, files, page=UPLOADS, follow_redirects=True)


def test_an_image_uploaded_on_one_host_is_served_by_another(
    app, client, editor, other_host, s3_endpoint, tmp_path
):
    data = png_bytes((40, 30))
    client.login("editor@example.org", TEST_PASSWORD)

    assert upload(client, data).status_code == 200
    path = db.session.scalars(select(Upload.path)).one()
    with other_host.test_client().get(f"/uploads/{path}") as served:
        assert served.status_code == 200
        assert served.data == data
        assert served.mimetype == "image/png"
        assert set(served.headers["Cache-Control"].split(", ")) == {
            "public",
            "max-age=31536000",
            "immutable",
        }
        assert served.headers["X-Content-Type-Options"] == "nosniff"

    stored = bucket_client(s3_endpoint).get_object(Bucket=BUCKET, Key=f"blog/images/{path}")
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "image/png"
    assert not [found for found in tmp_path.rglob("*.png") if found.is_file()]
    assert other_host.test_client().get("/uploads/2026/01/" + "0" * 20 + ".png").status_code == 404


def test_images_kept_in_the_instance_folder_are_copied_into_the_bucket(
    app_config, other_host, s3_endpoint, tmp_path
):
    folder_app = create_app({**app_config, "UPLOADS_S3_URL": ""})
    image = Path(folder_app.config["UPLOAD_FOLDER"]) / "2016" / "09" / ("a" * 20 + ".png")
    image.parent.mkdir(parents=True)
    image.write_bytes(png_bytes())
    bucket_app = create_app(app_config)

    first = bucket_app.test_cli_runner().invoke(args=["copy-uploads-to-bucket"])
    again = bucket_app.test_cli_runner().invoke(args=["copy-uploads-to-bucket"])

    assert first.output == "Copied 1 image into the bucket.\n"
    assert again.output == "Copied 0 images into the bucket.\n"
    served = other_host.test_client().get("/uploads/2016/09/" + "a" * 20 + ".png")
    assert served.data == png_bytes()
    for built in (folder_app, bucket_app):
        with built.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("how", ["down", "hung"])
def test_a_bucket_that_is_away_refuses_the_upload_and_changes_nothing(
    app_config, editor, how, tmp_path
):
    with unreachable_port(how) as port:
        away = f"s3://{BUCKET}?endpoint=http://127.0.0.1:{port}&region=us-east-1"
        app = create_app({**app_config, "UPLOADS_S3_URL": away, "UPLOADS_S3_TIMEOUT": 0.3})
        app.test_client_class = BlogClient
        client = app.test_client()
        client.login("editor@example.org", TEST_PASSWORD)

        response = upload(client, png_bytes((40, 30)))
        image = client.get("/uploads/2026/01/" + "0" * 20 + ".png")

    assert response.status_code == 422
    assert "could not be stored just now" in response.text
    assert db.session.scalar(select(func.count()).select_from(Upload)) == 0
    assert image.status_code == 503
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("s3://images", BucketAddress("images", "", None, None)),
        (
            "s3://images/blog/?endpoint=http://minio:9000&region=eu-west-2",
            BucketAddress("images", "blog/", "http://minio:9000", "eu-west-2"),
        ),
    ],
)
def test_the_bucket_address_is_read_from_its_url(url, address):
    assert parse_bucket_url(url) == address


@pytest.mark.parametrize("url", ["https://images/blog", "s3:///blog", "images"])
def test_a_bucket_url_that_is_not_one_is_refused(url):
    with pytest.raises(ValueError, match="s3://bucket/prefix"):
        parse_bucket_url(url)
