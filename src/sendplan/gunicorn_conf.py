"""gunicorn's settings for SENDplan in production:

    gunicorn -c python:sendplan.gunicorn_conf sendplan.wsgi

Responses carry no ``Server`` header. gunicorn writes ``Server: gunicorn`` on every response
and has no setting to leave it out, so this module, which gunicorn loads before it starts
its workers, takes that one line out of the headers gunicorn writes itself. A header the
application sets is untouched (SENDplan sets none).

Binding, workers and timeouts are the host's choice: give them on the command line or in
``GUNICORN_CMD_ARGS``, which gunicorn reads as well as this module.
"""

from __future__ import annotations

from collections.abc import Callable

from gunicorn.http import wsgi

# The same as --no-control-socket: the control socket is for gunicornc, which SENDplan's
# deployment does not use.
control_socket_disable = True


def _without_server_line(
    default_headers: Callable[[wsgi.Response], list[str]],
) -> Callable[[wsgi.Response], list[str]]:
    def headers(response: wsgi.Response) -> list[str]:
        return [
            line for line in default_headers(response) if not line.lower().startswith("server:")
        ]

    headers.sendplan_without_server = True  # type: ignore[attr-defined]
    return headers


if not getattr(wsgi.Response.default_headers, "sendplan_without_server", False):
    wsgi.Response.default_headers = _without_server_line(wsgi.Response.default_headers)  # type: ignore[method-assign]
