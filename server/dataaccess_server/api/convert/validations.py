"""Answers of ValidateAPIKey and StreamValidateAPIKeys, built cheaply: the hot path.

``validation_to_proto`` builds an answer from the key's record (the record's message,
its metadata, five timestamps): some 15 µs, half of a cached validation's Python. The
same cached keys are answered again and again, and a cached key's record is one object
for as long as it stays cached: the answer built for it once is kept (keyed by the
record's identity and the reason), returned as is by ValidateAPIKey and copied into a
stream's answer. Answers with a rate-limit state (counted in storage, so never on the
cheap path) are built afresh around the kept record message, and so are answers with
limits' states or a reservation (they change with every validation); a key with a quota
gets a new record per validation (the quota left), so its messages are built afresh and
not kept.
"""

from __future__ import annotations

from typing import TypeVar

from dataaccess.v1 import api_keys_pb2 as keys_pb2
from dataaccess_server.api.convert.api_keys import (
    key_to_proto,
    policy_to_proto,
    reason_to_proto,
    validation_to_proto,
)
from dataaccess_server.api.status import status_code
from dataaccess_server.domain.model.api_keys import APIKey, Reason, Validation
from dataaccess_server.errors import DataAccessError, InvalidArgumentError

Answer = keys_pb2.StreamValidateAPIKeysResponse.Item
K = TypeVar("K")
V = TypeVar("V")
MAX_KEPT = 4096
"""Records whose messages are kept; past it all are dropped (rebuilt on next use)."""


class StreamAnswers:
    """Builds one stream's (or one server's) answers; one event loop, no locking."""

    def __init__(self, max_kept: int = MAX_KEPT) -> None:
        # (id(record), reason) -> (record, answer): holding the record keeps its id unique.
        self._answers: dict[tuple[int, str], tuple[APIKey, keys_pb2.ValidateAPIKeyResponse]]
        self._answers = {}
        self._records: dict[int, tuple[APIKey, keys_pb2.APIKey]] = {}
        self._max_kept = max_kept
        self._not_found = validation_to_proto(Validation(False, Reason.NOT_FOUND))

    def answer(self, correlation_id: str, result: Validation) -> Answer:
        """The answer carrying ValidateAPIKey's response for ``result``."""
        return Answer(correlation_id=correlation_id, result=self.result(result))

    def result(self, result: Validation) -> keys_pb2.ValidateAPIKeyResponse:
        """What ``validation_to_proto(result)`` gives, from kept messages when it can.
        The message returned may be shared: copy it, never change it."""
        record = result.record
        if record is None:
            return self._not_found if not result.valid else validation_to_proto(result)
        if result.limits or result.decided_by or result.reservation_id:
            # Key policies: the limits' states change with every validation.
            response = keys_pb2.ValidateAPIKeyResponse(
                valid=result.valid,
                reason=reason_to_proto(result.reason),
                api_key=self._record(record),
            )
            if result.rate is not None:
                _rate_to_proto(result, response)
            policy_to_proto(result, response)
            return response
        if result.rate is not None:
            response = keys_pb2.ValidateAPIKeyResponse(
                valid=result.valid,
                reason=reason_to_proto(result.reason),
                api_key=self._record(record),
            )
            _rate_to_proto(result, response)
            return response
        if record.remaining_uses is not None:
            return validation_to_proto(result)
        kept = self._answers.get((id(record), result.reason._value_))
        if kept is not None and kept[0] is record:
            return kept[1]
        response = keys_pb2.ValidateAPIKeyResponse(
            valid=result.valid,
            reason=reason_to_proto(result.reason),
            api_key=self._record(record),
        )
        self._keep(self._answers, (id(record), result.reason._value_), (record, response))
        return response

    def _record(self, record: APIKey) -> keys_pb2.APIKey:
        if record.remaining_uses is not None:
            return key_to_proto(record)
        kept = self._records.get(id(record))
        if kept is not None and kept[0] is record:
            return kept[1]
        message = key_to_proto(record)
        self._keep(self._records, id(record), (record, message))
        return message

    def _keep(self, kept: dict[K, V], key: K, value: V) -> None:
        if len(kept) >= self._max_kept:
            kept.clear()
        kept[key] = value


def item_error(correlation_id: str, error: DataAccessError, *, prefix: str = "") -> Answer:
    """The answer saying item ``correlation_id`` failed with ``error``: the code and
    message its unary call would have had, field paths under ``prefix``."""
    answer = Answer(correlation_id=correlation_id)
    answer.error.code = status_code(error)
    answer.error.message = str(error)
    if isinstance(error, InvalidArgumentError):
        for violation in error.violations:
            answer.error.field_violations.add(
                field=prefix + violation.field, description=violation.description
            )
    return answer


def _rate_to_proto(result: Validation, response: keys_pb2.ValidateAPIKeyResponse) -> None:
    assert result.rate is not None
    response.rate_limit.limit = result.rate.limit
    response.rate_limit.remaining = result.rate.remaining
    response.rate_limit.reset_time.FromDatetime(result.rate.reset_time)
