"""Files uploaded for an import on the web, kept until they are confirmed (or for two days).

Each upload lives in MEDIA_ROOT/imports/<uuid>/: the file as sent (renamed source.<ending>) and meta.json with
who sent it, the options and, once applied, the outcome. Only the uploader can open it again.
"""

from __future__ import annotations

import datetime
import json
import shutil
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from rasd.accounts.models import User

KEEP_FOR = datetime.timedelta(days=2)


@dataclass
class Upload:
    id: str
    owner_id: int
    file_name: str  # as the user named it (shown, never used as a path)
    suffix: str
    sheet: str
    reason: str
    valid_from: str  # ISO date, or "" for the day it is applied
    created_at: str
    outcome: dict[str, int] | None = None  # created/updated/unchanged once applied

    @property
    def folder(self) -> Path:
        return upload_root() / self.id

    @property
    def path(self) -> Path:
        return self.folder / f"source{self.suffix}"

    @property
    def effective(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.valid_from) if self.valid_from else None

    def save(self) -> None:
        (self.folder / "meta.json").write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")


def upload_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def store(owner: User, source: UploadedFile, *, sheet: str, reason: str, valid_from: datetime.date | None) -> Upload:
    prune()
    name = Path(source.name or "upload").name
    upload = Upload(
        id=str(uuid.uuid4()),
        owner_id=owner.pk,
        file_name=name,
        suffix=Path(name).suffix.lower(),
        sheet=sheet,
        reason=reason,
        valid_from=valid_from.isoformat() if valid_from else "",
        created_at=timezone.now().isoformat(),
    )
    upload.folder.mkdir(parents=True)
    with upload.path.open("wb") as handle:
        for chunk in source.chunks():
            handle.write(chunk)
    upload.save()
    return upload


def load(owner: User, upload_id: uuid.UUID) -> Upload | None:
    """The user's own upload, or None (missing, expired, or someone else's)."""
    meta = upload_root() / str(upload_id) / "meta.json"
    try:
        data: dict[str, Any] = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    upload = Upload(**data)
    expired = datetime.datetime.fromisoformat(upload.created_at) < timezone.now() - KEEP_FOR
    return upload if upload.owner_id == owner.pk and not expired else None


def discard(upload: Upload) -> None:
    shutil.rmtree(upload.folder, ignore_errors=True)


def prune() -> None:
    """Remove uploads older than KEEP_FOR."""
    root = upload_root()
    if not root.exists():
        return
    cutoff = timezone.now() - KEEP_FOR
    for folder in root.iterdir():
        modified = datetime.datetime.fromtimestamp(folder.stat().st_mtime, tz=datetime.UTC)
        if folder.is_dir() and modified < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
