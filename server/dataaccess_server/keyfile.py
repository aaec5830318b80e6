"""The development keyring kept with the embedded database's data."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from dataaccess_server.domain.crypto import Keyring

log = logging.getLogger(__name__)

FILE_NAME = "dev-encryption-keys"


def development_keyring(directory: Path) -> Keyring:
    """The keyring in ``directory``, created (one random key, mode 0600) on first use."""
    path = directory / FILE_NAME
    if not path.exists():
        keyring = Keyring.generate("dev1")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(keyring.serialize() + "\n")
        log.warning("generated a development encryption key in %s", path)
    keyring = Keyring.parse(path.read_text().strip())
    log.warning(
        "encrypting secrets with the DEVELOPMENT key in %s; set DATAACCESS_ENCRYPTION_KEYS "
        "for anything real",
        path,
    )
    return keyring
