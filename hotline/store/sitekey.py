"""The site key: 256 random bits shared by every desk of one site, to seal bundles.

The file is created readable by its owner only and its content is never printed. The site id is
derived from the key, so desks that share a key agree on the site without another exchange.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from pathlib import Path

from hotline.errors import InputRefused

MAGIC = "hotline-site-key v1"


def create_key_file(path: Path, key: bytes | None = None) -> bytes:
    """Write a new key file (mode 0600; refuses to overwrite) and return the key."""
    key = key if key is not None else secrets.token_bytes(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(f"{MAGIC}\n{base64.b64encode(key).decode()}\n")
    return key


def read_key_file(path: Path) -> bytes:
    """The key in a key file.

    Raises:
        InputRefused: the file is missing or is not a hotline site key.
    """
    try:
        lines = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputRefused("sitekey.unreadable", path=str(path)) from exc
    try:
        if " ".join(lines[:2]) != MAGIC:
            raise ValueError
        key = base64.b64decode(lines[2], validate=True)
        if len(key) != 32:
            raise ValueError
    except (ValueError, IndexError) as exc:
        raise InputRefused("sitekey.invalid", path=str(path)) from exc
    return key


def site_id(key: bytes) -> str:
    return hashlib.sha256(b"hotline-site-id" + key).hexdigest()[:16]
