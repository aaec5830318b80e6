"""Page sizes and page tokens for list calls. Pure.

A page token is opaque to callers: base64url JSON holding the last key of the previous
page and a fingerprint of the filters, so a token reused with other filters is refused
rather than silently giving a wrong page, then ``.`` and an HMAC-SHA256 tag (16 bytes,
base64url) over that text. The tag is checked before anything in the token is read, so
a forged, tampered or foreign token never reaches a query.

The HMAC key is derived from the encryption keyring (:meth:`PageSigner.from_keyring`):
every server of a deployment agrees without another secret to distribute. Tokens are
signed with the encrypting key's subkey and verified against every key's, so tokens
handed out before a rotation keep working while the old key stays in the keyring; once
it is removed they are refused (INVALID_ARGUMENT: the caller lists again from the start).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dataaccess_server.domain.crypto import Keyring
from dataaccess_server.errors import InvalidArgumentError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
PAGE_TOKEN_LABEL = b"dataaccess/v1/page-token-hmac"
"""The HKDF label of the page-token key: fixed, so all servers derive the same key."""
TAG_BYTES = 16


class PageSigner:
    """Signs page tokens with the first key and verifies them against every key."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise ValueError("PageSigner needs at least one key")
        self._keys = tuple(keys)

    @classmethod
    def from_keyring(cls, keyring: Keyring) -> PageSigner:
        """The signer every server with this keyring shares (subkeys by HKDF)."""
        return cls(keyring.derive(PAGE_TOKEN_LABEL))

    @classmethod
    def ephemeral(cls) -> PageSigner:
        """A signer of a random key: its tokens are valid in this process only (for
        services built without a keyring, as some tests and tools do)."""
        return cls([secrets.token_bytes(32)])

    def _tag(self, key: bytes, body: str) -> bytes:
        return hmac.new(key, body.encode(), hashlib.sha256).digest()[:TAG_BYTES]

    def sign(self, body: str) -> str:
        """``body`` and its tag, as one token."""
        tag = base64.urlsafe_b64encode(self._tag(self._keys[0], body)).decode().rstrip("=")
        return f"{body}.{tag}"

    def verify(self, token: str) -> str | None:
        """The body of ``token`` if a key of the keyring signed it, else None."""
        body, _, tag_text = token.rpartition(".")
        try:
            tag = base64.urlsafe_b64decode(tag_text + "=" * (-len(tag_text) % 4))
        except (binascii.Error, ValueError):
            return None
        if len(tag) != TAG_BYTES:
            return None
        # Every key is tried, always: the time taken says nothing about which matched.
        matches = [hmac.compare_digest(self._tag(key, body), tag) for key in self._keys]
        return body if any(matches) else None


def page_size(requested: int) -> int:
    """The page size to use: 0 means the default, above the maximum means the maximum;
    negative is INVALID_ARGUMENT."""
    if requested < 0:
        raise InvalidArgumentError.single("page_size", "must not be negative")
    return min(requested or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def fingerprint(filters: Mapping[str, object]) -> str:
    """A short digest of the filters a token belongs to."""
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class PageToken:
    """Where the next page starts."""

    after: str
    filters: str

    def encode(self, signer: PageSigner) -> str:
        """The opaque, signed text handed to callers."""
        raw = json.dumps({"a": self.after, "f": self.filters}, separators=(",", ":"))
        return signer.sign(base64.urlsafe_b64encode(raw.encode()).decode().rstrip("="))

    @classmethod
    def decode(cls, text: str, *, filters: str, signer: PageSigner) -> PageToken | None:
        """The token in ``text`` (None for ""). INVALID_ARGUMENT naming page_token if it
        is not signed by this deployment, malformed, or was made for other filters."""
        if text == "":
            return None
        body = signer.verify(text)
        if body is None:
            raise InvalidArgumentError.single(
                "page_token",
                "is not a token this service returned (or its key has left the keyring):"
                " list again from the first page",
            )
        try:
            raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            data = json.loads(raw)
            token = cls(after=str(data["a"]), filters=str(data["f"]))
        except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise InvalidArgumentError.single(
                "page_token", "is not a token this service returned"
            ) from None
        if token.filters != filters:
            raise InvalidArgumentError.single(
                "page_token", "was returned for other filters: repeat the same filters"
            )
        return token


Row = TypeVar("Row")


def _id_of(row: Any) -> str:
    return str(row.id)


class Pager:
    """One list call's paging: validates size and token up front, then cuts the rows
    (fetched with ``limit``, one more than the page) into the page and the next token."""

    def __init__(
        self,
        requested_size: int,
        page_token: str,
        filters: Mapping[str, object],
        signer: PageSigner,
    ) -> None:
        self.size = page_size(requested_size)
        self._filters = fingerprint(filters)
        self._signer = signer
        start = PageToken.decode(page_token, filters=self._filters, signer=signer)
        self.after = start.after if start else None

    @classmethod
    def of(cls, query: Any, signer: PageSigner) -> Pager:
        """The paging of a list query: a dataclass with ``page_size`` and
        ``page_token``, whose every other field is a filter the token is bound to (as is
        the query's type, so one list's token is refused by another list)."""
        filters: dict[str, object] = {
            item.name: getattr(query, item.name)
            for item in dataclasses.fields(query)
            if item.name not in ("page_size", "page_token")
        }
        filters["_list"] = type(query).__name__
        return cls(query.page_size, query.page_token, filters, signer)

    @property
    def limit(self) -> int:
        """How many rows to fetch: a page and one more, to know whether another follows."""
        return self.size + 1

    def page(
        self, rows: Sequence[Row], key: Callable[[Row], str] = _id_of
    ) -> tuple[list[Row], str]:
        """The page, and the next page's token ("" at the end). ``key`` gives the text of
        a row's sort key that the token carries (default: the row's ``id``)."""
        page = list(rows[: self.size])
        more = len(rows) > self.size
        token = PageToken(key(page[-1]), self._filters).encode(self._signer) if more else ""
        return page, token
