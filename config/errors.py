"""The one error type for broken rules. Views turn it into a form error, the API into a 400."""

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A rule was broken; ``message`` is translated and safe to show to the user."""

    def __init__(self, message: str | Promise, *, field: str | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


class StaleEditError(ApplicationError):
    """Somebody else saved the record after this user opened it."""

    def __init__(
        self,
        message: str | Promise,
        *,
        changed: dict[str, tuple[object, object]],
        current_version: int,
    ):
        super().__init__(message, code="stale")
        self.changed = changed
        self.current_version = current_version
