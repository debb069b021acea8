class UsageError(Exception):
    """Arguments that cannot be acted on; exit status 2 with a one-line reason."""
