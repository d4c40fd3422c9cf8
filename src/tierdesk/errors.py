"""One error hierarchy for the whole desk.

Every error carries a stable machine-readable ``code`` and the data that explains it. Nothing here
knows about HTTP: the web edge maps codes to statuses (``entrypoints/web/errors.py``), the CLI maps
them to messages and exit codes.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    INVALID_TRANSITION = "invalid_transition"
    PERMISSION_DENIED = "permission_denied"
    UNAUTHENTICATED = "unauthenticated"
    CONFLICT = "conflict"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA = "unsupported_media"
    CONFIGURATION = "configuration"
    UNAVAILABLE = "unavailable"  # a service outside the desk (an issue tracker) failed
    RATE_LIMITED = "rate_limited"  # too many attempts (sign-in); data: retry_after seconds


class TierdeskError(Exception):
    """Base of every error the desk raises on purpose."""

    code: ErrorCode = ErrorCode.INVALID_INPUT

    def __init__(self, message: str, **data: Any) -> None:
        super().__init__(message)
        self.message = message
        self.data: dict[str, Any] = data

    def to_dict(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, **self.data}


class NotFoundError(TierdeskError):
    code = ErrorCode.NOT_FOUND


class TicketNotFoundError(NotFoundError):
    """Raised both for a ticket that does not exist and for one the actor may not see."""

    def __init__(self, ticket_ref: str | int) -> None:
        super().__init__(f"ticket {ticket_ref} not found", ticket=str(ticket_ref))


class InvalidInputError(TierdeskError):
    code = ErrorCode.INVALID_INPUT


class InvalidTransitionError(TierdeskError):
    """A change that makes no sense for the object's current state."""

    code = ErrorCode.INVALID_TRANSITION


class PermissionDeniedError(TierdeskError):
    """The actor may see the object but may not do this to it."""

    code = ErrorCode.PERMISSION_DENIED


class UnauthenticatedError(TierdeskError):
    code = ErrorCode.UNAUTHENTICATED


class RateLimitedError(TierdeskError):
    """Too many attempts in too short a time: wait ``retry_after`` seconds and try again."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, retry_after=retry_after)
        self.retry_after = retry_after


class ConflictError(TierdeskError):
    """The request clashes with what is stored (a duplicate e-mail, a used name)."""

    code = ErrorCode.CONFLICT


class RepeatedRequestError(ConflictError):
    """A post carried a one-time key that was used: it was made before (services/idempotency.py).
    ``ticket_id`` names the ticket the first one made or changed, when known."""


class TooLargeError(TierdeskError):
    code = ErrorCode.TOO_LARGE


class UnsupportedMediaError(TierdeskError):
    code = ErrorCode.UNSUPPORTED_MEDIA


class ConfigurationError(TierdeskError):
    code = ErrorCode.CONFIGURATION


class TrackerUnavailableError(TierdeskError):
    """The external issue tracker could not be reached or refused the request."""

    code = ErrorCode.UNAVAILABLE


class LanguageModelUnavailableError(TierdeskError):
    """The configured OpenAI-compatible endpoint could not be reached or answered nonsense."""

    code = ErrorCode.UNAVAILABLE
