"""Exceptions shared by the apps' services."""


class ConflictError(Exception):
    """A write was based on a stale version of the object (optimistic locking): reload and retry.

    ``current_version`` is the version now stored.
    """

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version


class AlreadyDone(ConflictError):
    """A write that happens once (a project's completion, an import's confirm) was already made, by this
    request's twin or earlier: nothing was written. The API answers 409 with the message (what happened,
    when and by whom), whatever the request's If-Match (core.api.exception_handler)."""
