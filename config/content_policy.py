"""The Content-Security-Policy header: django-csp, plus the page's own websocket origin.

CSP Level 3 lets ``'self'`` match ``ws://`` and ``wss://`` on the page's host, but Safari
did not until version 16 (WebKit bug 235873): an iPhone still on iOS 15 would refuse the
live socket. Naming the socket's origin, taken from the request like the socket's own
URL, keeps those phones live without allowing any other host.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        try:
            host = request.get_host()
        except DisallowedHost:  # the 400 that refuses it gets the policy without it
            return parts
        socket_origin = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        parts.update = {**(parts.update or {}), "connect-src": [socket_origin]}
        return parts
