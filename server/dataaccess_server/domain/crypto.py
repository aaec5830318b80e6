"""Encryption at rest: a keyring of AES-256 keys and sealed values. Pure: no I/O.

A sealed value is ``version (1 byte) | key id length (1) | key id | nonce (12) |
ciphertext + GCM tag (16)``. Every value gets a fresh random 96-bit nonce. The
associated data names the value's place (table, row id, column), so a ciphertext copied
to another row or column does not decrypt. The key id travels with the value, so any key
of the keyring opens it and rotation can find values under old keys.

Keyring text (``DATAACCESS_ENCRYPTION_KEYS``): ``id:base64key,id:base64key,...``; ids are
1-32 characters of letters, digits, ``_`` and ``-``; each key is 32 random bytes. The first
key encrypts; all of them decrypt.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Mapping

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ENVELOPE_VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


class KeyringError(ValueError):
    """The keyring text is malformed. The message never contains key material."""


class DecryptionError(Exception):
    """A sealed value cannot be opened: damaged, moved to another place, or wrong key."""


class UnknownKeyError(DecryptionError):
    """A sealed value names a key that is not in the keyring (removed too early?)."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"the value is sealed with key {key_id!r}, which is not in the keyring")
        self.key_id = key_id


class Keyring:
    """AES-256 keys by id; the first one encrypts."""

    def __init__(self, keys: Mapping[str, bytes]) -> None:
        if not keys:
            raise KeyringError("the keyring has no key")
        for key_id, key in keys.items():
            if not _KEY_ID.fullmatch(key_id):
                raise KeyringError(f"key id {key_id!r} must be 1-32 letters, digits, '_' or '-'")
            if len(key) != KEY_BYTES:
                raise KeyringError(f"key {key_id!r} must be {KEY_BYTES} bytes, not {len(key)}")
        self._keys = dict(keys)
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.primary_key_id = next(iter(keys))

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """A keyring from ``id:base64key,...``; KeyringError if malformed."""
        keys: dict[str, bytes] = {}
        for entry in (part.strip() for part in text.split(",")):
            key_id, separator, encoded = entry.partition(":")
            if not separator or not key_id:
                raise KeyringError("entries must look like id:base64key, separated by commas")
            if key_id in keys:
                raise KeyringError(f"key id {key_id!r} appears twice")
            try:
                keys[key_id] = base64.b64decode(encoded.strip(), validate=True)
            except (binascii.Error, ValueError):
                raise KeyringError(f"key {key_id!r} is not valid base64") from None
        return cls(keys)

    @classmethod
    def generate(cls, key_id: str) -> Keyring:
        """A keyring of one new random key."""
        return cls({key_id: secrets.token_bytes(KEY_BYTES)})

    def serialize(self) -> str:
        """The keyring as ``id:base64key,...`` text."""
        return ",".join(f"{k}:{base64.b64encode(v).decode()}" for k, v in self._keys.items())

    @property
    def key_ids(self) -> tuple[str, ...]:
        """Every key id, the encrypting one first."""
        return tuple(self._keys)

    def __repr__(self) -> str:
        return f"Keyring(key_ids={list(self._keys)!r})"

    def derive(self, label: bytes) -> tuple[bytes, ...]:
        """One 32-byte subkey per key (the encrypting key's first), for the purpose
        named by ``label``: HKDF-SHA256 with the label as its info, so a subkey reveals
        nothing of the key or of other purposes' subkeys, and every server holding the
        same keyring derives the same subkeys."""
        return tuple(
            HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=label).derive(key)
            for key in self._keys.values()
        )

    def seal(self, plaintext: bytes, *, place: bytes) -> bytes:
        """Encrypt ``plaintext`` with the first key, bound to ``place``."""
        key_id = self.primary_key_id.encode()
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.primary_key_id].encrypt(nonce, plaintext, place)
        return bytes([ENVELOPE_VERSION, len(key_id)]) + key_id + nonce + sealed

    def open(self, envelope: bytes, *, place: bytes) -> bytes:
        """Decrypt a value sealed for ``place``.

        Raises UnknownKeyError if its key is not in the keyring, DecryptionError if the
        value is damaged or belongs to another place.
        """
        key_id = key_id_of(envelope)
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UnknownKeyError(key_id)
        start = 2 + len(key_id)
        nonce, sealed = envelope[start : start + NONCE_BYTES], envelope[start + NONCE_BYTES :]
        try:
            return cipher.decrypt(nonce, sealed, place)
        except InvalidTag:
            raise DecryptionError(
                "the value does not decrypt here: damaged, or copied from another row or column"
            ) from None


def key_id_of(envelope: bytes) -> str:
    """The id of the key that sealed ``envelope``; DecryptionError if it is malformed."""
    if len(envelope) < 2 or envelope[0] != ENVELOPE_VERSION:
        raise DecryptionError("not a sealed value of a known format")
    length = envelope[1]
    if len(envelope) < 2 + length + NONCE_BYTES + 16:
        raise DecryptionError("the sealed value is truncated")
    return envelope[2 : 2 + length].decode("ascii", errors="replace")


def place(table: str, row_id: str, column: str) -> bytes:
    """The associated data that binds a value to its table, row and column."""
    return f"dataaccess/{table}/{row_id}/{column}".encode()
