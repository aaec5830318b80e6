"""OAuth tokens at rest: both secrets of a token sealed with the keyring, each bound to
its token and column (a ciphertext moved to another row or column does not decrypt).
Pure: no I/O.
"""

from __future__ import annotations

from dataaccess_server.db import oauth_tokens as store
from dataaccess_server.domain.crypto import DecryptionError, Keyring, UnknownKeyError, place
from dataaccess_server.errors import DataCorruptionError, FailedPreconditionError

# The table name is part of every secret's associated data: it never changes.
TABLE = "oauth_tokens"


class TokenCipher:
    """Seals and opens the two secrets of a token row, bound to the row and column."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def seal(self, row_id: str, access: str, refresh: str | None) -> store.Sealed:
        """Both secrets under the keyring's first key."""
        keyring = self._keyring
        return store.Sealed(
            access=keyring.seal(access.encode(), place=place(TABLE, row_id, "access_token")),
            refresh=(
                keyring.seal(refresh.encode(), place=place(TABLE, row_id, "refresh_token"))
                if refresh is not None
                else None
            ),
            key_id=keyring.primary_key_id,
        )

    def open(self, envelope: bytes, row_id: str, column: str) -> str:
        """One secret in clear. FailedPreconditionError if its key is not in the keyring,
        DataCorruptionError if it does not decrypt where it is."""
        try:
            return self._keyring.open(envelope, place=place(TABLE, row_id, column)).decode()
        except UnknownKeyError as exc:
            raise FailedPreconditionError(
                f"the {column} of token {row_id} is sealed with key {exc.key_id!r}, which is "
                "not in DATAACCESS_ENCRYPTION_KEYS: add it back and run "
                "`dataaccess rotate-encryption-key`"
            ) from None
        except DecryptionError:
            raise DataCorruptionError(
                f"the {column} of token {row_id} does not decrypt: it was damaged or moved "
                "from another row"
            ) from None

    def open_refresh(self, row: store.TokenRow) -> str | None:
        """The row's refresh token in clear, None if it has none."""
        if row.refresh_ciphertext is None:
            return None
        return self.open(row.refresh_ciphertext, row.id, "refresh_token")

    def reseal(self, row: store.TokenRow) -> store.Sealed:
        """The row's secrets, sealed again under the keyring's first key."""
        return self.seal(
            row.id, self.open(row.access_ciphertext, row.id, "access_token"), self.open_refresh(row)
        )
