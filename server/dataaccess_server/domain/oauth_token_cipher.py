"""OAuth tokens at rest: both secrets of a token sealed with the keyring, each bound to
its token and column (a ciphertext moved to another row or column does not decrypt).
Pure: no I/O.
"""

from __future__ import annotations

from dataaccess_server.domain.crypto import DecryptionError, Keyring, UnknownKeyError, place
from dataaccess_server.domain.model.oauth_tokens import SealedSecrets, StoredToken
from dataaccess_server.errors import DataCorruptionError, FailedPreconditionError

# The table name is part of every secret's associated data: it never changes.
TABLE = "oauth_tokens"


class TokenCipher:
    """Seals and opens the two secrets of a token, bound to the token and column."""

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring

    def seal(self, token_id: str, access: str, refresh: str | None) -> SealedSecrets:
        """Both secrets under the keyring's first key."""
        keyring = self._keyring
        return SealedSecrets(
            access=keyring.seal(access.encode(), place=place(TABLE, token_id, "access_token")),
            refresh=(
                keyring.seal(refresh.encode(), place=place(TABLE, token_id, "refresh_token"))
                if refresh is not None
                else None
            ),
            key_id=keyring.primary_key_id,
        )

    def open(self, envelope: bytes, token_id: str, column: str) -> str:
        """One secret in clear. FailedPreconditionError if its key is not in the keyring,
        DataCorruptionError if it does not decrypt where it is."""
        try:
            return self._keyring.open(envelope, place=place(TABLE, token_id, column)).decode()
        except UnknownKeyError as exc:
            raise FailedPreconditionError(
                f"the {column} of token {token_id} is sealed with key {exc.key_id!r}, which is "
                "not in DATAACCESS_ENCRYPTION_KEYS: add it back and run "
                "`dataaccess rotate-encryption-key`"
            ) from None
        except DecryptionError:
            raise DataCorruptionError(
                f"the {column} of token {token_id} does not decrypt: it was damaged or moved "
                "from another row"
            ) from None

    def open_access(self, token: StoredToken) -> str:
        """The token's access token in clear; raises as :meth:`open`."""
        return self.open(token.secrets.access, token.id, "access_token")

    def open_refresh(self, token: StoredToken) -> str | None:
        """The token's refresh token in clear, None if it has none; raises as :meth:`open`."""
        if token.secrets.refresh is None:
            return None
        return self.open(token.secrets.refresh, token.id, "refresh_token")

    def reseal(self, token: StoredToken) -> SealedSecrets:
        """The token's secrets, sealed again under the keyring's first key."""
        return self.seal(token.id, self.open_access(token), self.open_refresh(token))
