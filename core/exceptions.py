"""Exceptions shared by the apps' services."""


class ConflictError(Exception):
    """A write was based on a stale version of the object (optimistic locking): reload and retry.

    ``current_version`` is the version now stored.
    """

    def __init__(self, message: str, current_version: int | None = None):
        super().__init__(message)
        self.current_version = current_version
