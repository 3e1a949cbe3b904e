"""Domain errors: a machine code, a Chinese message, and the HTTP status."""

from __future__ import annotations


class DomainError(Exception):
    """Raised by services; the app turns it into ``{"code", "detail"}``."""

    status_code = 409

    def __init__(self, code: str, detail: str, *, status_code: int | None = None,
                 field: str | None = None, headers: dict[str, str] | None = None, extra: dict | None = None) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.field = field
        self.headers = headers or {}
        # More of the body beside code and detail (an import's row errors).
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class BadRequest(DomainError):
    status_code = 400


class NotAuthenticated(DomainError):
    status_code = 401

    def __init__(self, code: str = "not_authenticated", detail: str = "请先登录") -> None:
        super().__init__(code, detail)


class Forbidden(DomainError):
    status_code = 403


class NotFound(DomainError):
    status_code = 404

    def __init__(self, code: str = "not_found", detail: str = "记录不存在或无权查看") -> None:
        super().__init__(code, detail)


class Conflict(DomainError):
    status_code = 409


class Invalid(DomainError):
    """422: a field failed validation; ``field`` names it."""

    status_code = 422

    def __init__(self, field: str, detail: str, code: str = "validation_error") -> None:
        super().__init__(code, detail, field=field)


class PayloadTooLarge(DomainError):
    status_code = 413


class UnsupportedMediaType(DomainError):
    status_code = 415


class TooManyAttempts(DomainError):
    status_code = 429

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__("too_many_attempts", detail, headers={"Retry-After": str(retry_after)})


def is_unique_violation(error: BaseException) -> bool:
    """A unique constraint refused a row (two submissions racing past the pre-checks)."""
    import sqlite3

    if isinstance(error, sqlite3.IntegrityError):
        return "UNIQUE" in str(error)
    try:
        from asyncpg.exceptions import UniqueViolationError
    except ImportError:  # pragma: no cover
        return False
    return isinstance(error, UniqueViolationError)
