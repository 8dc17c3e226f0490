"""A tiny ingress controller's data plane, for the local cluster only (scripts/e2e/images/ingress/recipe.sh).

Listens for HTTPS on INGRESS_PORT (443) and sends each request to the Service of the first route whose
host equals the request's Host and whose path prefix matches (Ingress "Prefix" semantics: the path
itself, or the path followed by "/"), as an ingress controller does for the Ingress objects it reads.
The routes and certificates are written by whoever plays its control loop (the end-to-end test or
scripts/demo.sh, from the Ingress the chart rendered): INGRESS_CONFIG (/etc/ingress/routes.json)

  {"routes": [{"host": "sei.x.mg.gov.br", "paths": ["/sei", "/sip"], "service": "sei-app.sei-x.svc.cluster.local:8000"}]}

and INGRESS_TLS_DIR (/etc/ingress/tls) holding HOST.crt and HOST.key for each host (chosen by SNI).
Requests without a route get 404. Bodies are relayed whole (no streaming): enough for tests.
"""

import http.client
import json
import os
import signal
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFIG = os.environ.get("INGRESS_CONFIG", "/etc/ingress/routes.json")
TLS_DIR = os.environ.get("INGRESS_TLS_DIR", "/etc/ingress/tls")
PORT = int(os.environ.get("INGRESS_PORT", "443"))
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers", "transfer-encoding", "upgrade"}

with open(CONFIG, encoding="utf-8") as f:
    ROUTES = json.load(f)["routes"]


def route_for(host, path):
    for route in ROUTES:
        if route["host"] != host:
            continue
        for prefix in route["paths"]:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/") or path.startswith(prefix + "?"):
                return route
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "sei-e2e-ingress-fixture"
    protocol_version = "HTTP/1.1"

    def relay(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        route = route_for(host, self.path)
        if route is None:
            return self.answer(404, b"no route for this host and path\n")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["X-Forwarded-For"] = self.client_address[0]
        headers["X-Forwarded-Proto"] = "https"
        headers["X-Forwarded-Host"] = host
        service_host, _, service_port = route["service"].rpartition(":")
        try:
            upstream = http.client.HTTPConnection(service_host, int(service_port), timeout=300)
            upstream.request(self.command, self.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        except OSError as error:
            return self.answer(502, f"upstream {route['service']}: {error}\n".encode())
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != "content-length":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def answer(self, status, data):
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = do_PATCH = relay

    def log_message(self, fmt, *args):
        sys.stderr.write("ingress-fixture: " + (fmt % args) + "\n")


def tls_context(host):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(TLS_DIR, f"{host}.crt"), os.path.join(TLS_DIR, f"{host}.key"))
    return context


if __name__ == "__main__":
    contexts = {route["host"]: tls_context(route["host"]) for route in ROUTES}
    default = next(iter(contexts.values()))

    def choose(sock, server_name, _context):
        sock.context = contexts.get(server_name or "", default)

    default.sni_callback = choose
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.socket = default.wrap_socket(server.socket, server_side=True)
    print(f"ingress-fixture: HTTPS on :{PORT} for {', '.join(contexts)}", file=sys.stderr, flush=True)
    # As PID 1 of its container a process ignores SIGTERM unless it handles it: stop at once, as the
    # real server does, rather than after the pod's whole grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()
