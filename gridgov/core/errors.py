"""Errors actions raise; views and the API turn them into 4xx answers with the message."""


class ActionError(Exception):
    status = 400
    retry_after: int | None = None  # seconds; TooMany sets it where it is known

    def __init__(self, message, *, errors=None):
        super().__init__(str(message))
        self.message = str(message)
        self.errors = errors or []


class Invalid(ActionError):
    status = 400


class Forbidden(ActionError):
    status = 403


class NotFound(ActionError):
    status = 404


class Conflict(ActionError):
    status = 409


class TooMany(ActionError):
    status = 429

    def __init__(self, message, *, errors=None, retry_after: int | None = None):
        super().__init__(message, errors=errors)
        self.retry_after = retry_after


def with_headers(response, error: ActionError):
    """The answer to `error` with what its status calls for (Retry-After on a 429)."""
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response
