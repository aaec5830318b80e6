"""Page sizes and page tokens for list calls. Pure.

A page token is opaque to callers: base64url JSON holding the last key of the previous
page and a fingerprint of the filters, so a token reused with other filters is refused
rather than silently giving a wrong page.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from dataaccess_server.errors import InvalidArgumentError

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


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

    def encode(self) -> str:
        """The opaque text handed to callers."""
        raw = json.dumps({"a": self.after, "f": self.filters}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, *, filters: str) -> PageToken | None:
        """The token in ``text`` (None for ""). INVALID_ARGUMENT naming page_token if it
        is malformed or was made for other filters."""
        if text == "":
            return None
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
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

    def __init__(self, requested_size: int, page_token: str, filters: Mapping[str, object]):
        self.size = page_size(requested_size)
        self._filters = fingerprint(filters)
        start = PageToken.decode(page_token, filters=self._filters)
        self.after = start.after if start else None

    @classmethod
    def of(cls, query: Any) -> Pager:
        """The paging of a list query: a dataclass with ``page_size`` and
        ``page_token``, whose every other field is a filter the token is bound to."""
        filters = {
            item.name: getattr(query, item.name)
            for item in dataclasses.fields(query)
            if item.name not in ("page_size", "page_token")
        }
        return cls(query.page_size, query.page_token, filters)

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
        return page, PageToken(key(page[-1]), self._filters).encode() if more else ""
