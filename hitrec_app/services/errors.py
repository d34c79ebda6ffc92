"""Errors whose message is safe and meant to be shown to the user."""


class ServiceError(Exception):
    """Base class: `str(err)` is a clear, user-facing message."""


class ValidationError(ServiceError):
    pass


class PermissionDenied(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class RateLimited(ServiceError):
    pass


class AuthenticationFailed(ServiceError):
    pass
