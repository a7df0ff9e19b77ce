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


class DuplicateError(ApplicationError):
    """The person may already be registered. ``certain`` when the national ID matches: then
    registering again is refused; otherwise the user may confirm that it is someone else."""

    def __init__(self, message: str | Promise, *, matches: list, certain: bool):
        super().__init__(message, code="duplicate", field=None)
        self.matches = matches
        self.certain = certain
