"""Response bodies read in one call, not in the 10 KB chunks requests reads by default.

An export page is about 4 MB: requests assembles it from some 400 Python-level reads, each
of which must win the GIL back, so a page read while another thread runs can take seconds
instead of milliseconds, and alone it takes half as long again. This adapter asks requests
to stream, then reads the whole body with one `read()`, raising the same requests
exceptions for a cut-off or undecodable body as requests' own reading does.
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError


class WholeBodyAdapter(HTTPAdapter):
    """HTTPAdapter that preloads each body with a single read."""

    def send(  # type: ignore[override]  # requests' other keywords pass through as given
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        **kwargs: Any,
    ) -> requests.Response:
        """Send; unless the caller streams, read the body at once and free the connection."""
        response = super().send(request, stream=True, **kwargs)
        if stream:
            return response
        try:
            response._content = response.raw.read(decode_content=True)
        except (ProtocolError, DecodeError, ReadTimeoutError, SSLError) as exc:
            response.raw.close()  # a broken connection does not go back to the pool
            raise _as_requests_error(exc, request) from None
        # requests' own flag that the body is read (the stubs leave it out)
        response._content_consumed = True  # type: ignore[attr-defined]
        response.close()  # the body is read: the connection goes back to the pool
        return response


def _as_requests_error(exc: Exception, request: requests.PreparedRequest) -> Exception:
    """The exception requests itself raises for this failure while reading a body."""
    if isinstance(exc, ProtocolError):
        return requests.exceptions.ChunkedEncodingError(exc, request=request)
    if isinstance(exc, DecodeError):
        return requests.exceptions.ContentDecodingError(exc, request=request)
    if isinstance(exc, SSLError):
        return requests.exceptions.SSLError(exc, request=request)
    return requests.exceptions.ConnectionError(exc, request=request)


def mount_whole_body_adapter(session: requests.Session) -> None:
    """Use `WholeBodyAdapter` for every URL the session requests."""
    adapter = WholeBodyAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)


def failure_kind(exc: BaseException) -> str:
    """What went wrong with a request that got no usable answer (never its URL or headers)."""
    if isinstance(exc, requests.exceptions.Timeout):
        kind = "no answer within `request_timeout`"
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError | ConnectionResetError):
        kind = "connection reset or body cut off"
    elif isinstance(exc, requests.exceptions.ConnectionError | ConnectionError):
        kind = "connection failed or reset"
    else:
        kind = "response could not be decoded"
    return f"{kind} ({type(exc).__name__})"
