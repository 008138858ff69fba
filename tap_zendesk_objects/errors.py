"""Errors that end a run with one clear line and a non-zero exit."""


class TapError(Exception):
    """A problem the user can fix; the CLI prints its message alone, without a traceback."""


class ConfigError(TapError):
    """The configuration cannot work (missing auth, malformed subdomain, bad dates...)."""


class ZendeskAPIError(TapError):
    """Zendesk refused a request in a way retrying cannot fix."""


class InputFileError(TapError):
    """A --config, --state or --catalog file is missing, unreadable or malformed."""
