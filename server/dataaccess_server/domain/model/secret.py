"""A secret string that keeps itself out of reprs, logs and tracebacks. Pure.

Requests carry OAuth secrets in clear; from the conversion of a request to the cipher
(and from the cipher to the FULL view's message) they travel as ``Secret``, so no
log line or error that shows a value can show one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Secret:
    """A secret string that does not show itself in reprs, logs or tracebacks."""

    _value: str

    def reveal(self) -> str:
        """The secret itself: only for encryption and for the FULL view."""
        return self._value

    def __repr__(self) -> str:
        return "Secret(***)"

    __str__ = __repr__
