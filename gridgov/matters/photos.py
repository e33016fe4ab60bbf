"""Photos attached to matters: checked by content (JPEG, PNG or WebP, at most 10 MB, at most
3 a submission), decoded and re-encoded from their pixels alone — no EXIF (location,
device), XMP, IPTC, JPEG comments, PNG text chunks or ICC profile (colours are converted to
sRGB first) — so that nothing but the picture leaves the phone that took it, and stored
under MEDIA_ROOT. They are served only through a scoped view."""

from __future__ import annotations

import hashlib
import io
import uuid

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from gridgov.core.errors import Invalid

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
SIGNATURES = {
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def sniff(head: bytes) -> str | None:
    """The real format from the first bytes, whatever the file is called."""
    for kind, prefixes in SIGNATURES.items():
        if any(head.startswith(p) for p in prefixes):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


SRGB = ImageCms.createProfile("sRGB")
# modes written as they are; anything else (palette, CMYK, 16-bit, …) becomes RGB(A)
KEPT_MODES = {"jpeg": ("RGB", "L"), "png": ("RGB", "RGBA", "L"), "webp": ("RGB", "RGBA")}


def _to_srgb(img: Image.Image) -> Image.Image:
    """The pixels as sRGB when the photo carries another colour profile (wide-gamut phones);
    a profile that cannot be read is ignored rather than refusing the photo."""
    icc = img.info.get("icc_profile")
    if not icc or img.mode not in ("RGB", "RGBA", "L", "CMYK"):
        return img
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        mode = "RGBA" if img.mode == "RGBA" else "RGB"
        return ImageCms.profileToProfile(img, source, SRGB, outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return img


def _pixels_only(img: Image.Image, kind: str) -> Image.Image:
    """A new image holding the pixels and nothing else: Pillow carries metadata along in
    `info` (and writes some of it back, a JPEG comment or a PNG's ICC profile), so the
    clean copy is built from scratch rather than by removing what is known today."""
    img = _to_srgb(ImageOps.exif_transpose(img))  # keep the orientation, drop the rest
    if img.mode not in KEPT_MODES[kind]:
        alpha = kind != "jpeg" and (img.has_transparency_data or "A" in img.getbands())
        img = img.convert("RGBA" if alpha else "RGB")
    clean = Image.new(img.mode, img.size)
    clean.paste(img)
    return clean


def clean_photo(upload) -> tuple[bytes, str]:
    """(re-encoded bytes of the pixels alone, format) or Invalid with a message for the
    user."""
    if upload.size > MAX_BYTES:
        raise Invalid(_("A photo may be at most 10 MB."))
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise Invalid(_("A photo may be at most 10 MB."))
    kind = sniff(data[:16])
    if kind is None:
        raise Invalid(_("Only JPEG, PNG or WebP photos are accepted."))
    try:
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            clean = _pixels_only(img, kind)
            out = io.BytesIO()
            clean.save(
                out,
                format={"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[kind],
                **({"quality": 88} if kind != "png" else {}),
            )
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise Invalid(_("The photo cannot be read.")) from None
    return out.getvalue(), kind


def store(data: bytes, kind: str) -> tuple[str, str]:
    """Writes the bytes under MEDIA_ROOT; returns (relative path, sha256)."""
    ext = "jpg" if kind == "jpeg" else kind
    rel = f"matters/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{ext}"
    path = settings.MEDIA_ROOT / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return rel, hashlib.sha256(data).hexdigest()


def clean_all(uploads) -> list[tuple[bytes, str]]:
    uploads = [u for u in uploads or [] if u]
    if len(uploads) > MAX_PHOTOS:
        raise Invalid(_("At most 3 photos."))
    return [clean_photo(u) for u in uploads]


def attach(matter, cleaned, event=None) -> None:
    """Stores cleaned photos for a matter (inside the caller's transaction)."""
    from .models import MatterPhoto

    for data, kind in cleaned:
        path, digest = store(data, kind)
        MatterPhoto.objects.create(
            matter=matter,
            event=event,
            path=path,
            content_type=f"image/{kind}",
            size=len(data),
            sha256=digest,
        )
