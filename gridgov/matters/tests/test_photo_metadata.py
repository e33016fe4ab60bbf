"""A photo sent to gridgov keeps its picture and loses everything else: EXIF (location,
camera), XMP, JPEG comments, PNG text chunks and colour profiles never reach the stored file."""

import io
import re
import zlib

from django.test import Client
from PIL import Image, ImageCms, PngImagePlugin

from gridgov.matters.models import MatterPhoto

SECRETS = {
    "comment": b"SECRET-COMMENT-4711",
    "camera": "SECRET-CAMERA-MAKER",
    "xmp": b"SECRET-XMP-PACKET",
    "text": "SECRET-PNG-TEXT",
    "itxt": "SECRET-PNG-ITXT",
    "ztxt": "SECRET-PNG-ZTXT",
}
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description>'
    + SECRETS["xmp"]
    + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
ORANGE = (230, 120, 20)


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = SECRETS["camera"]  # Make
    exif[0x8825] = {1: "N", 2: (29.0, 39.0, 0.0), 3: "E", 4: (94.0, 21.0, 0.0)}  # GPS
    return exif


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), ORANGE).save(
        buf, "JPEG", exif=_exif(), comment=SECRETS["comment"], xmp=XMP, icc_profile=SRGB_ICC
    )
    return buf.getvalue()


def png() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRETS["text"])
    info.add_itxt("Description", SECRETS["itxt"], lang="en")
    info.add_text("Author", SECRETS["ztxt"], zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), ORANGE).save(
        buf, "PNG", pnginfo=info, exif=_exif(), icc_profile=SRGB_ICC
    )
    return buf.getvalue()


def webp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), ORANGE).save(
        buf, "WEBP", exif=_exif(), xmp=XMP, icc_profile=SRGB_ICC, lossless=True
    )
    return buf.getvalue()


def _readable(data: bytes) -> bytes:
    """The file's bytes, with every zlib stream inside a PNG's chunks inflated as well."""
    found = [data]
    for match in re.finditer(rb"zTXt|iTXt|iCCP", data):
        start = data.find(b"x\x9c", match.end())
        if start != -1:
            try:
                found.append(zlib.decompressobj().decompress(data[start:]))
            except zlib.error:
                pass
    return b"".join(found)


def _markers(data: bytes) -> set[bytes]:
    """The JPEG segment markers before the image data (APPn, COM, …)."""
    markers, i = set(), 2
    while i + 4 <= len(data) and data[i] == 0xFF and data[i + 1] != 0xDA:
        markers.add(data[i : i + 2])
        i += 2 + int.from_bytes(data[i + 2 : i + 4], "big")
    return markers


def test_stored_photos_hold_the_picture_and_nothing_else(world, sign, tmp_path):
    sent = {"jpeg": jpeg(), "png": png(), "webp": webp()}
    for data in sent.values():  # the crafted files really carry their metadata
        assert SECRETS["xmp"] in data or SECRETS["xmp"] in _readable(data)
    assert SECRETS["comment"] in sent["jpeg"]
    assert SECRETS["ztxt"].encode() in _readable(sent["png"])

    uploads = []
    for kind, data in sent.items():
        f = io.BytesIO(data)
        f.name = f"photo.{kind}"
        uploads.append(f)
    response = Client(REMOTE_ADDR="10.9.8.7").post(
        "/s/green-01/",
        {"category": "dumping", "attr_size": "5", "description": "倾倒垃圾", "photos": uploads},
    )
    assert response.status_code == 302, response.content.decode()[:500]

    stored = {p.content_type.split("/")[1]: p for p in MatterPhoto.objects.all()}
    assert set(stored) == {"jpeg", "png", "webp"}
    for kind, photo in stored.items():
        data = (tmp_path / photo.path).read_bytes()
        readable = _readable(data)
        for secret in SECRETS.values():
            secret = secret if isinstance(secret, bytes) else secret.encode()
            assert secret not in readable, (kind, secret)
        for tag in (b"Exif", b"ICC_PROFILE", b"http://ns.adobe.com/xap", b"xmpmeta"):
            assert tag not in readable, (kind, tag)
        with Image.open(io.BytesIO(data)) as img:
            assert not img.getexif() and "icc_profile" not in img.info, kind
            assert img.size == (64, 48)
            pixel = img.convert("RGB").getpixel((32, 24))
            assert all(abs(a - b) <= 6 for a, b in zip(pixel, ORANGE, strict=True)), kind
        if kind == "jpeg":
            assert not _markers(data) & {b"\xff\xfe", b"\xff\xe1", b"\xff\xe2", b"\xff\xed"}
        if kind == "png":
            for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP"):
                assert chunk not in data, chunk
        if kind == "webp":
            for chunk in (b"EXIF", b"XMP ", b"ICCP"):
                assert chunk not in data, chunk
