"""OAuth tokens: what a request must satisfy before anything is read or written. Pure.

Every check raises InvalidArgumentError naming the fields at fault (all of them at once,
where a request has several), in the request's own field paths.
"""

from __future__ import annotations

import re

from dataaccess_server.domain.ids import is_uuid
from dataaccess_server.domain.model.oauth_tokens import TokenInput
from dataaccess_server.domain.model.secret import Secret
from dataaccess_server.domain.model.wal import parse_lsn
from dataaccess_server.errors import FieldViolation, InvalidArgumentError, excerpt

MAX_SECRET_CHARS = 16 * 1024
MAX_METADATA_BYTES = 64 * 1024
_PROVIDER = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_LSN = re.compile(r"[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}")

# UpdateOAuthToken mask paths.
UPDATABLE_FIELDS = (
    "access_token",
    "refresh_token",
    "token_type",
    "expiry_time",
    "scopes",
    "metadata",
    "email",
    "active",
    "last_used_time",
)


def _check_identity(
    provider: str, user_id: str, prefix: str, problems: list[FieldViolation]
) -> None:
    where = f"{prefix}." if prefix else ""
    if not provider:
        problems.append(FieldViolation(f"{where}provider", "is required"))
    elif not _PROVIDER.fullmatch(provider):
        problems.append(
            FieldViolation(
                f"{where}provider",
                "must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a "
                "letter or digit",
            )
        )
    if not user_id:
        problems.append(FieldViolation(f"{where}user_id", "is required"))
    elif len(user_id) > 256:
        problems.append(FieldViolation(f"{where}user_id", "must be at most 256 characters"))


def _check_fields(
    data: TokenInput, prefix: str, fields: set[str], problems: list[FieldViolation]
) -> None:
    def bad(name: str, description: str) -> None:
        problems.append(FieldViolation(f"{prefix}.{name}", description))

    if "email" in fields and data.email:
        if len(data.email) > 320:
            bad("email", "must be at most 320 characters")
        elif "@" not in data.email:
            bad("email", "must be an email address")
    for name in ("access_token", "refresh_token"):
        secret: Secret = getattr(data, name)
        if name in fields and len(secret.reveal()) > MAX_SECRET_CHARS:
            bad(name, f"must be at most {MAX_SECRET_CHARS} characters")
    if "token_type" in fields and len(data.token_type) > 32:
        bad("token_type", "must be at most 32 characters")
    if "scopes" in fields:
        if len(data.scopes) > 100:
            bad("scopes", "must have at most 100 entries")
        if any(not scope or len(scope) > 256 for scope in data.scopes):
            bad("scopes", "entries must be 1-256 characters")
    if "metadata" in fields and data.metadata_size > MAX_METADATA_BYTES:
        bad("metadata", f"must be at most {MAX_METADATA_BYTES} bytes serialized")


def validate_upsert(data: TokenInput) -> None:
    """INVALID_ARGUMENT naming every bad field of an upsert."""
    problems: list[FieldViolation] = []
    _check_identity(data.provider, data.user_id, "token", problems)
    if not data.access_token.reveal():
        problems.append(FieldViolation("token.access_token", "is required"))
    _check_fields(data, "token", set(UPDATABLE_FIELDS), problems)
    if problems:
        raise InvalidArgumentError(problems)


def update_fields(data: TokenInput, mask: tuple[str, ...] | None) -> tuple[str, ...]:
    """The fields an update changes: the mask's paths, or every field the request set.
    INVALID_ARGUMENT for an unknown or immutable path, or nothing to change."""
    if mask is None:
        chosen = tuple(name for name in UPDATABLE_FIELDS if name in data.present)
    else:
        unknown = [path for path in mask if path not in UPDATABLE_FIELDS]
        if unknown:
            raise InvalidArgumentError.single(
                "update_mask",
                f"cannot update {excerpt(', '.join(unknown))};"
                f" updatable: {', '.join(UPDATABLE_FIELDS)}",
            )
        chosen = tuple(dict.fromkeys(mask))
    if not chosen:
        raise InvalidArgumentError.single("update_mask", "names no field to update")
    problems: list[FieldViolation] = []
    _check_fields(data, "token", set(chosen), problems)
    if "access_token" in chosen and not data.access_token.reveal():
        problems.append(FieldViolation("token.access_token", "must not be empty"))
    if problems:
        raise InvalidArgumentError(problems)
    return chosen


def validate_identity(provider: str, user_id: str) -> None:
    """INVALID_ARGUMENT naming every bad field of a (provider, user_id) lookup."""
    problems: list[FieldViolation] = []
    _check_identity(provider, user_id, "", problems)
    if problems:
        raise InvalidArgumentError(problems)


def validate_id(value: str, name: str = "id") -> str:
    """``value`` if it is a token id; INVALID_ARGUMENT naming ``name`` otherwise."""
    if not value:
        raise InvalidArgumentError.single(name, "is required")
    if not is_uuid(value):
        raise InvalidArgumentError.single(name, "must be a token id (a UUID)")
    return value.lower()


def parse_consistency_token(text: str, name: str = "consistency_token") -> int | None:
    """The WAL position in a consistency token ("" is none)."""
    if text == "":
        return None
    if not _LSN.fullmatch(text):
        raise InvalidArgumentError.single(name, "is not a token this service returned")
    return parse_lsn(text)
