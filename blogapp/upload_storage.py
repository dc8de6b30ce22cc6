"""Where uploaded and copied images are kept: an S3-compatible bucket that every host reads
when UPLOADS_S3_URL is set, the instance folder's ``uploads/`` otherwise.

Names are never reused (an upload's is random, a copied image's is its digest), so whatever
serves them may keep them for good. boto3 is needed only for a bucket (``blogapp[s3]``) and
is imported only then. UPLOADS_S3_URL reads ``s3://bucket/prefix?endpoint=…&region=…``;
the credentials come from the usual AWS variables (AWS_ACCESS_KEY_ID…) or an instance role.
"""

import logging
import mimetypes
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from flask import Flask, current_app
from werkzeug.security import safe_join

from .instance_files import write_private_file

log = logging.getLogger(__name__)

STORE_KEY = "blogapp.upload_store"
CHUNK = 64 * 1024


class StoreUnavailable(RuntimeError):
    """The bucket could not be reached or refused the request; the message says so."""


@dataclass(frozen=True)
class StoredImage:
    """An image being read from the store: its bytes, in chunks, and what it is."""

    chunks: Iterator[bytes]
    content_type: str
    size: int


class UploadStore(Protocol):
    def put(self, relative: str, data: bytes, content_type: str) -> None: ...
    def exists(self, relative: str) -> bool: ...
    def delete(self, relative: str) -> None: ...
    def read(self, relative: str) -> StoredImage | None: ...


def content_type_of(relative: str) -> str:
    return mimetypes.guess_type(relative)[0] or "application/octet-stream"


class FolderStore:
    """Files under UPLOAD_FOLDER, readable by their owner only."""

    def __init__(self, folder: str) -> None:
        self.folder = Path(folder)

    def path_of(self, relative: str) -> Path | None:
        """The file's path, or None for a name that would leave the folder (or no name)."""
        safe = safe_join(str(self.folder), relative)
        return Path(safe) if safe is not None and "\0" not in safe else None

    def put(self, relative: str, data: bytes, content_type: str) -> None:
        write_private_file(self.folder / relative, data, exclusive=True)

    def exists(self, relative: str) -> bool:
        return (self.folder / relative).exists()

    def delete(self, relative: str) -> None:
        (self.folder / relative).unlink(missing_ok=True)

    def read(self, relative: str) -> StoredImage | None:
        path = self.path_of(relative)
        if path is None or not path.is_file():
            return None
        return StoredImage(file_chunks(path), content_type_of(relative), path.stat().st_size)


def file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


@dataclass(frozen=True)
class BucketAddress:
    bucket: str
    prefix: str
    endpoint: str | None
    region: str | None


def parse_bucket_url(url: str) -> BucketAddress:
    """``s3://bucket/some/prefix?endpoint=http://minio:9000&region=eu-west-2``."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"UPLOADS_S3_URL must look like s3://bucket/prefix, not {url!r}")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    prefix = parts.path.strip("/")
    return BucketAddress(
        parts.netloc, f"{prefix}/" if prefix else "", query.get("endpoint"), query.get("region")
    )


class BucketStore:
    """Objects in an S3-compatible bucket, every call bounded by a connect and a read timeout."""

    def __init__(self, address: BucketAddress, timeout: float) -> None:
        import boto3  # only a blog with a bucket needs boto3 (blogapp[s3])
        from botocore.config import Config

        self.address = address
        self.client = boto3.client(
            "s3",
            endpoint_url=address.endpoint,
            region_name=address.region,
            config=Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def key(self, relative: str) -> str:
        return self.address.prefix + relative

    def call(self, operation: str, relative: str, **options: Any) -> Any:
        """One request to the bucket; StoreUnavailable when it fails for any reason but a
        missing object (which gives None)."""
        from botocore.exceptions import BotoCoreError, ClientError

        method = getattr(self.client, operation)
        try:
            return method(Bucket=self.address.bucket, Key=self.key(relative), **options)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise StoreUnavailable(f"The image store refused {operation}: {error}") from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"The image store cannot be reached: {error}") from error

    def put(self, relative: str, data: bytes, content_type: str) -> None:
        self.call("put_object", relative, Body=data, ContentType=content_type)

    def exists(self, relative: str) -> bool:
        return self.call("head_object", relative) is not None

    def delete(self, relative: str) -> None:
        self.call("delete_object", relative)

    def read(self, relative: str) -> StoredImage | None:
        answer = self.call("get_object", relative)
        if answer is None:
            return None
        return StoredImage(
            answer["Body"].iter_chunks(CHUNK),
            answer.get("ContentType") or content_type_of(relative),
            int(answer["ContentLength"]),
        )


def copy_folder_to_store(folder: Path, store: UploadStore) -> int:
    """Put every file under ``folder`` that the store lacks into it (moving a blog's images
    into a bucket); how many were put."""
    copied = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and not store.exists(relative):
            store.put(relative, path.read_bytes(), content_type_of(relative))
            copied += 1
    return copied


def build_store(app: Flask) -> UploadStore:
    if app.config.get("UPLOADS_S3_URL"):
        address = parse_bucket_url(app.config["UPLOADS_S3_URL"])
        return BucketStore(address, float(app.config["UPLOADS_S3_TIMEOUT"]))
    return FolderStore(app.config["UPLOAD_FOLDER"])


def upload_store() -> UploadStore:
    """This app's store, made at first use (so a worker makes its own client after fork)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(STORE_KEY)
    if store is None:
        store = app.extensions[STORE_KEY] = build_store(app)
    return store
