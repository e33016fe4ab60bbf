"""A report being written: what the reporter has chosen and typed so far, and the photos
they added, kept until the report is sent so that nothing is lost on an error, on "back"
or on "change".

The choices and text live in the session (bound to the signed-in user, or to the browser
of a member of the public). Photos are checked and cleaned (`photos.clean_photo`: pixels
only, no location) as soon as they arrive and kept as files under
MEDIA_ROOT/report-drafts/<draft id>/, referred to from the session only — so a photo can be
shown back (as a thumbnail) to the session that added it and to no one else. Sending the
report hands the photos to `actions.report_matter` like fresh uploads and removes the
draft. Drafts never sent are removed by `gridgov sweep` after
GRIDGOV_REPORT_DRAFT_HOURS (24).
"""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from gridgov.core.errors import Invalid

from . import photos

DIR_NAME = "report-drafts"
STAFF_KEY = "matters.report"
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}


def root() -> Path:
    return Path(settings.MEDIA_ROOT) / DIR_NAME


def max_age_hours() -> float:
    return float(getattr(settings, "GRIDGOV_REPORT_DRAFT_HOURS", 24))


class Draft:
    """The draft kept in `request.session[key]`: a dict of the answers so far, plus
    `id` (the folder of its photos) and `photos` (a list of {"token", "kind"})."""

    def __init__(self, request, key: str = STAFF_KEY):
        self.session = request.session
        self.key = key
        self.data: dict = dict(self.session.get(key) or {})

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def update(self, **values) -> None:
        # the id names the draft from its first answer: its photos' folder, and the key
        # that sends it once however often "report" is tapped
        self.data.setdefault("id", secrets.token_hex(12))
        self.data.update(values)
        self.save()

    def save(self) -> None:
        self.session[self.key] = self.data
        self.session.modified = True

    # photos -------------------------------------------------------------------------------

    @property
    def photos(self) -> list[dict]:
        """The photos that are still on disk (a swept draft's are gone: it forgets them)."""
        return [p for p in self.data.get("photos", []) if self.photo_path(p["token"])]

    def _folder(self) -> Path:
        if not self.data.get("id"):
            self.data["id"] = secrets.token_hex(12)
        return root() / self.data["id"]

    def photo_path(self, token: str) -> Path | None:
        """The file of one of this draft's photos, or None (not this draft's, or gone)."""
        for p in self.data.get("photos", []):
            if p["token"] == token and self.data.get("id"):
                path = root() / self.data["id"] / f"{token}.{EXTENSIONS[p['kind']]}"
                return path if path.is_file() else None
        return None

    def photo_response(self, token: str):
        """One of this draft's photos as a private answer; Http404 for anything else."""
        from django.http import FileResponse, Http404

        path = self.photo_path(token)
        if path is None:
            raise Http404
        kind = path.suffix.lstrip(".").replace("jpg", "jpeg")
        response = FileResponse(open(path, "rb"), content_type=f"image/{kind}")
        response["Cache-Control"] = "private, no-store"
        return response

    def add_photos(self, uploads) -> list[str]:
        """Keeps every upload that is a readable photo while there is room (at most
        photos.MAX_PHOTOS in all); returns a message for each one refused. What was kept
        stays kept whatever else is wrong with the form."""
        errors: list[str] = []
        kept = self.photos
        for upload in [u for u in uploads or [] if u]:
            if len(kept) >= photos.MAX_PHOTOS:
                errors.append(
                    _("At most %(n)d photos: %(name)s was not added.")
                    % {"n": photos.MAX_PHOTOS, "name": upload.name}
                )
                continue
            try:
                data, kind = photos.clean_photo(upload)
            except Invalid as exc:
                errors.append(f"{upload.name}: {exc.message}")
                continue
            folder = self._folder()
            folder.mkdir(parents=True, exist_ok=True)
            token = secrets.token_hex(12)
            (folder / f"{token}.{EXTENSIONS[kind]}").write_bytes(data)
            kept.append({"token": token, "kind": kind})
        self.data["photos"] = kept
        self.save()
        return errors

    def remove_photo(self, token: str) -> None:
        path = self.photo_path(token)
        if path is not None:
            path.unlink(missing_ok=True)
        self.data["photos"] = [p for p in self.photos if p["token"] != token]
        self.save()

    def photo_files(self) -> list[ContentFile]:
        """The kept photos as uploads for `report_matter` (which checks them again)."""
        files = []
        for p in self.photos:
            path = self.photo_path(p["token"])
            files.append(ContentFile(path.read_bytes(), name=path.name))
        return files

    def clear(self) -> None:
        """Forgets the draft and removes its photos (after the report was sent, or when
        the reporter starts again)."""
        if self.data.get("id"):
            shutil.rmtree(root() / self.data["id"], ignore_errors=True)
        self.data = {}
        self.session.pop(self.key, None)
        self.session.modified = True


def sweep_line(now: float | None = None) -> str:
    """Removes the photos of drafts left unsent for longer than GRIDGOV_REPORT_DRAFT_HOURS
    (a session ends sooner: GRIDGOV_SESSION_HOURS)."""
    folder = root()
    if not folder.is_dir():
        return "report drafts: 0 removed"
    cutoff = (now or time.time()) - max_age_hours() * 3600
    removed = 0
    for draft in folder.iterdir():
        if not draft.is_dir():
            continue
        newest = max((f.stat().st_mtime for f in draft.iterdir()), default=draft.stat().st_mtime)
        if newest < cutoff:
            shutil.rmtree(draft, ignore_errors=True)
            removed += 1
    return f"report drafts: {removed} removed"
