"""Checking uploaded images by their bytes, and the Markdown editors paste."""

import io
import struct
import zlib

import pytest
from PIL import Image

from blogapp.images import (
    ImageRefused,
    identify_image,
    image_markdown,
    megabytes,
    read_limited,
    shown_file_name,
)
from blogapp.models import Upload


def saved(image_format: str, size: tuple[int, int] = (12, 8), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, image_format, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("image_format", "content_type", "extension"),
    [
        ("JPEG", "image/jpeg", "jpg"),
        ("PNG", "image/png", "png"),
        ("GIF", "image/gif", "gif"),
        ("WEBP", "image/webp", "webp"),
    ],
)
def test_the_four_kinds_of_image_are_recognised(image_format, content_type, extension):
    kind = identify_image(saved(image_format), "x")
    assert (kind.content_type, kind.extension, kind.width, kind.height) == (
        content_type,
        extension,
        12,
        8,
    )


def test_a_phone_cameras_multi_picture_jpeg_counts_as_a_jpeg():
    second = Image.new("RGB", (12, 8))
    data = saved("MPO", save_all=True, append_images=[second])
    assert identify_image(data, "phone.jpg").content_type == "image/jpeg"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"%PDF-1.7\n",
        saved("PNG")[:40],
        saved("BMP"),
        saved("TIFF"),
    ],
)
def test_anything_else_is_refused_with_a_message_naming_the_file(data):
    with pytest.raises(ImageRefused, match=r"“photo\.png” is not a JPEG, PNG, GIF or WebP image"):
        identify_image(data, "photo.png")


def png_claiming_size(width: int, height: int) -> bytes:
    """A well-formed PNG that says it is ``width`` by ``height`` (without the pixels)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def test_an_image_with_too_many_pixels_is_refused():
    assert identify_image(png_claiming_size(4000, 3000), "photo.png").width == 4000
    with pytest.raises(ImageRefused, match="too many pixels"):
        identify_image(png_claiming_size(10_000, 7_000), "poster.png")
    with pytest.raises(ImageRefused, match="too many pixels"):
        identify_image(png_claiming_size(30_000, 30_000), "bomb.png")


def test_reading_stops_at_the_size_limit():
    assert read_limited(io.BytesIO(b"x" * 100), "a.png", 100) == b"x" * 100
    with pytest.raises(ImageRefused, match=r"“a\.png” is larger than"):
        read_limited(io.BytesIO(b"x" * 101), "a.png", 100)
    with pytest.raises(ImageRefused, match="is empty"):
        read_limited(io.BytesIO(b""), "a.png", 100)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(8 * 1024 * 1024, "8 MB"), (1_500_000, "1.4 MB"), (20 * 1024 * 1024 + 5, "20 MB")],
)
def test_sizes_are_shown_in_megabytes(size, shown):
    assert megabytes(size) == shown


@pytest.mark.parametrize(
    ("given", "shown"),
    [("C:\\Users\\me\\photo.jpg", "photo.jpg"), ("../../etc/passwd", "passwd"), ("", "image")],
)
def test_only_the_files_own_name_is_kept(given, shown):
    assert shown_file_name(given) == shown


def test_the_markdown_keeps_brackets_out_of_the_description(app):
    described = Upload(path="2026/11/abc.png", description="A [rally]\nin town")
    undescribed = Upload(path="2026/11/abc.png", description="")
    with app.test_request_context():
        assert image_markdown(described) == "![A (rally) in town](/uploads/2026/11/abc.png)"
        assert image_markdown(undescribed) == "![Alt text](/uploads/2026/11/abc.png)"
