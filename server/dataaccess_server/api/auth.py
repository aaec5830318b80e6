"""The one interceptor that decides who may call what, and audits what must be.

Before any servicer code runs: no or bad credentials → UNAUTHENTICATED; a known caller
without the permission the permission table (``api/access.py``) names → PERMISSION_DENIED
naming it; a method missing from the table → PERMISSION_DENIED (deny by default).
Health is open; reflection needs any authenticated caller unless it is public.

A caller proves who it is with a bearer credential (``authorization: Bearer dac_…``)
or, with mTLS, its client certificate. A bearer token, when sent, decides: a bad one is
UNAUTHENTICATED even over a valid certificate, so a mistake is never papered over.

Audited calls (secret reads, credential and config changes) leave exactly one audit row, written
after the outcome is known and before the answer leaves. If the row cannot be stored, a
secret read fails with UNAVAILABLE (no secret leaves unaudited); a change, which has
already happened, still answers, and the row goes to the error log instead. A secret
read whose storage can write its row in the statement that reads the secret (a FULL
GetOAuthToken: one round trip to the primary instead of a read and an insert) is
offered the row (``AuditedRead``); a read that finds nothing leaves its row to be written
after the call, with its outcome, like any other; a read that wrote its row and then
failed (the secret could not be opened, the deadline passed) leaves a second row saying
how.
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

import grpc
from grpc import aio

from dataaccess_server import errors
from dataaccess_server.api.access import METHODS, OPEN_PREFIXES, REFLECTION_PREFIXES, Rule
from dataaccess_server.api.calls import CallDeadline, offer_audited_read, set_caller_identity
from dataaccess_server.api.decoding import Refused
from dataaccess_server.api.handlers import Kind, WrappingInterceptor, rewrapped
from dataaccess_server.api.status import to_status
from dataaccess_server.domain.access import AccessPolicy
from dataaccess_server.domain.audit import AuditTrail
from dataaccess_server.domain.callers import CallerDirectory
from dataaccess_server.domain.model.access import (
    AuditedRead,
    AuditEvent,
    Caller,
    CredentialKind,
    Permission,
)

if TYPE_CHECKING:
    from dataaccess_server.api.handlers import Handler

log = logging.getLogger(__name__)

Request = TypeVar("Request")
Response = TypeVar("Response")
Context = aio.ServicerContext[Any, Any]
# From a call's auth context to the identity its verified client certificate proves.
CertificateIdentity = Callable[[Mapping[str, Sequence[bytes]]], str | None]

ANONYMOUS = Caller("anonymous", CredentialKind.NONE, None)
_BEARER = "bearer "


class Denied(Exception):
    """A call refused before it ran: its status code and message."""

    def __init__(self, code: grpc.StatusCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.caller: Caller | None = None


class AuthInterceptor(WrappingInterceptor):
    """Authentication, authorization and audit of every call.

    ``callers`` None means authentication is off: every caller is ``anonymous`` and may
    call everything (audit rows are still written). ``certificate_identity`` is given
    when client certificates are verified (mTLS).
    """

    def __init__(
        self,
        *,
        policy: AccessPolicy,
        callers: CallerDirectory | None,
        audit: AuditTrail,
        default_deadline: float,
        certificate_identity: CertificateIdentity | None = None,
        reflection_public: bool = False,
    ) -> None:
        super().__init__()
        self._policy = policy
        self._callers = callers
        self._audit = audit
        self._deadline = CallDeadline(default_deadline)
        self._certificate_identity = certificate_identity
        self._reflection_public = reflection_public

    def wrap(self, method: str, handler: Handler[Any, Any]) -> Handler[Any, Any]:
        if method.startswith(OPEN_PREFIXES):
            return handler
        if method.startswith(REFLECTION_PREFIXES):
            if self._reflection_public:
                return handler
            return self._wrap(handler, method, None)
        rule = METHODS.get(method)
        if self._callers is None and rule is not None and not rule.may_audit:
            # Authentication off: every caller is anonymous (the call's identity by
            # default) and may call every listed method; one never audited has
            # nothing for this layer to do.
            return handler
        return self._wrap(handler, method, rule)

    # --- decisions ---------------------------------------------------------------------

    async def authenticate(self, context: Context) -> Caller:
        """The caller, or Denied(UNAUTHENTICATED)."""
        if self._callers is None:
            return ANONYMOUS
        token = _bearer_token(context)
        if token == "":
            raise Denied(
                grpc.StatusCode.UNAUTHENTICATED,
                "the authorization metadata must be 'Bearer <token>'",
            )
        if token is not None:
            caller = await self._callers.authenticate(token, self._deadline(context))
            if caller is None:
                raise Denied(
                    grpc.StatusCode.UNAUTHENTICATED,
                    "the bearer credential is not valid (unknown or revoked)",
                )
            return caller
        if self._certificate_identity is not None:
            identity = self._certificate_identity(_auth_context(context))
            if identity is not None:
                return Caller(identity, CredentialKind.CERTIFICATE, self._policy.role_of(identity))
        raise Denied(
            grpc.StatusCode.UNAUTHENTICATED,
            "credentials are required: send 'authorization: Bearer <token>' or a client"
            " certificate",
        )

    def authorize(self, caller: Caller, method: str, rule: Rule | None, request: Any) -> None:
        """Denied(PERMISSION_DENIED) unless ``caller`` may make this call."""
        if rule is None:
            raise Denied(
                grpc.StatusCode.PERMISSION_DENIED,
                f"{method} is not in the permission table: denied to every caller",
            )
        needed = [rule.permission]
        if rule.secrets is not None and request is not None and rule.secrets(request):
            needed.append(Permission.OAUTH_TOKENS_READ_SECRETS)
        for permission in needed:
            if not self._policy.allows(caller, permission):
                role = f"role {caller.role!r}" if caller.role else "no role bound to this identity"
                raise Denied(
                    grpc.StatusCode.PERMISSION_DENIED,
                    f"caller {caller.identity!r} ({role}) lacks permission {permission.value}",
                )

    # --- wrapping ----------------------------------------------------------------------

    def _wrap(
        self,
        handler: grpc.RpcMethodHandler[Request, Response],
        method: str,
        rule: Rule | None,
    ) -> grpc.RpcMethodHandler[Request, Response]:
        def wrap(call: Any, kind: Kind) -> Any:
            if kind.answers_once:
                inspect_request = kind is Kind.UNARY_UNARY
                return self._unary(call, method, rule, inspect_request=inspect_request)
            return self._streaming(call, method, rule)

        return rewrapped(handler, wrap)

    def _unary(
        self, call: Any, method: str, rule: Rule | None, *, inspect_request: bool
    ) -> Callable[[Any, Context], Awaitable[Any]]:
        async def guarded(request: Any, context: Context) -> Any:
            # A request that did not decode is refused by the ErrorInterceptor within:
            # nothing to authorize by or audit but the caller.
            decoded = inspect_request and not isinstance(request, Refused)
            seen = request if decoded else None
            audited = rule is not None and seen is not None and rule.audited(seen)
            try:
                caller = await self._admit(context, method, rule, seen)
            except Denied as denied:
                if audited and denied.code is grpc.StatusCode.PERMISSION_DENIED:
                    await self._record(context, denied.caller, method, rule, seen, None, denied)
                await context.abort(denied.code, denied.message)
            if not audited:
                return await call(request, context)
            offered = self._offer(context, caller, method, rule, seen)
            try:
                response = await call(request, context)
            except aio.AbortError:
                await self._record(context, caller, method, rule, seen, None, None)
                raise
            if offered is None or not offered.stored or _failed(context):
                await self._record(context, caller, method, rule, seen, response, None)
            return response

        return guarded

    def _streaming(
        self, call: Any, method: str, rule: Rule | None
    ) -> Callable[[Any, Context], Any]:
        # Reflection (and any future streaming RPC): admitted once, before it starts.
        async def guarded(request: Any, context: Context) -> AsyncIterator[Any]:
            try:
                await self._admit(context, method, rule, None)
            except Denied as denied:
                await context.abort(denied.code, denied.message)
            result = call(request, context)
            if inspect.isasyncgen(result):
                async for item in result:
                    yield item
            else:
                await result

        return guarded

    async def _admit(
        self, context: Context, method: str, rule: Rule | None, request: Any
    ) -> Caller:
        try:
            caller = await self.authenticate(context)
        except errors.DataAccessError as exc:
            # The credential could not be checked (database down): not the caller's fault.
            await context.abort_with_status(to_status(exc))
            raise  # unreachable: abort raises
        if rule is None and method.startswith(REFLECTION_PREFIXES):
            return caller
        try:
            self.authorize(caller, method, rule, request)
        except Denied as denied:
            denied.caller = caller
            raise
        set_caller_identity(caller.identity)
        return caller

    def _offer(
        self, context: Context, caller: Caller, method: str, rule: Rule | None, request: Any
    ) -> AuditedRead | None:
        # A secret read's row, offered to the read so that it can be written by the same
        # statement (the servicer passes it on, storage sets ``stored``). Written there,
        # it is the call's one row; otherwise it is written after the call as below.
        # Should the call fail after its read wrote the row, a second row says how.
        if rule is None or rule.secrets is None or rule.resource is None:
            return None
        event = self._event(context, caller, method, rule.resource(request, None), "OK")
        offered = AuditedRead(event)
        offer_audited_read(offered)
        return offered

    def _event(
        self, context: Context, caller: Caller | None, method: str, resource_id: str, outcome: str
    ) -> AuditEvent:
        return AuditEvent(
            time=datetime.now(UTC),
            event_id=str(uuid.uuid4()),
            caller=(caller or ANONYMOUS).identity,
            method=method,
            resource_id=resource_id[:512],
            outcome=outcome,
            peer=context.peer() or "",
        )

    async def _record(
        self,
        context: Context,
        caller: Caller | None,
        method: str,
        rule: Rule | None,
        request: Any,
        response: Any | None,
        denied: Denied | None,
    ) -> None:
        assert rule is not None
        assert rule.resource is not None
        if denied is not None:
            outcome = denied.code.name
        else:
            code = context.code()
            outcome = "OK" if code is None else _code_name(code)
        event = self._event(context, caller, method, rule.resource(request, response), outcome)
        try:
            await self._audit.record(event, self._deadline(context))
        except errors.DataAccessError as exc:
            log.error("audit event not stored (%s): %s", exc, event)  # noqa: TRY400
            if rule.secrets is not None and outcome == "OK":
                await context.abort(
                    grpc.StatusCode.UNAVAILABLE,
                    "the read could not be audited, so its secrets are withheld: retry",
                )


def _failed(context: Context) -> bool:
    # The error layer within answers a failed call by setting its code, not by raising.
    code = context.code()
    return code is not None and code not in (grpc.StatusCode.OK, 0)


def _code_name(code: Any) -> str:
    if isinstance(code, grpc.StatusCode):
        return code.name
    try:
        return grpc.StatusCode(code).name
    except ValueError:
        return str(code)


def _bearer_token(context: Context) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == "authorization":
            text = value.decode() if isinstance(value, bytes) else value
            if text[: len(_BEARER)].lower() == _BEARER:
                return text[len(_BEARER) :].strip()
            return ""  # another scheme: a credential, but not one this service takes
    return None


def _auth_context(context: Context) -> Mapping[str, Sequence[bytes]]:
    return cast("Mapping[str, Sequence[bytes]]", context.auth_context())
