"""Stand-in for Solr's HTTP interface (scripts/e2e/images/solr/recipe.sh says what it is not).

Serves, on SOLR_PORT (8983) of SOLR_JETTY_HOST (0.0.0.0):
  GET /solr/admin/info/system                  version information (open, like the chart's probe rule)
  GET /solr/admin/cores?action=STATUS[&core=C] the cores found in SOLR_HOME (directories with core.properties)
  GET /solr/CORE/admin/ping                    {"status": "OK"} when CORE exists, else 404 (open)
  GET /solr/CORE/select                        an empty result when CORE exists, else 404 (SEI's query path)
  POST /solr/admin/authentication              {"set-user": {USER: PASSWORD}} / {"delete-user": [USER]}
  POST /solr/admin/authorization               {"set-user-role": {USER: [ROLE] or null}}
Everything else answers 404. When SOLR_HOME/security.json exists, every path but the two probes
needs HTTP basic auth checked against it (Solr's Sha256AuthenticationProvider hash format): a wrong
user or password is 401, a user without the admin role 403 (the chart's "all" permission). The two
POSTs edit security.json in place and take effect at once, as Solr's edit API does in standalone
mode (the credential rotation's Jobs use them: docs/runbooks/rotate-credentials.md).
"""

import base64
import hashlib
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

HOME = os.environ.get("SOLR_HOME", "/var/solr/data")
VERSION = "9.4.1-standin"


def cores():
    if not os.path.isdir(HOME):
        return []
    return sorted(n for n in os.listdir(HOME) if os.path.isfile(os.path.join(HOME, n, "core.properties")))


SECURITY = os.path.join(HOME, "security.json")


def security():
    try:
        with open(SECURITY, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return None


def credentials():
    found = security()
    return None if found is None else found["authentication"]["credentials"]


def password_hash(password):
    salt = os.urandom(32)
    hashed = hashlib.sha256(hashlib.sha256(salt + password.encode()).digest()).digest()
    return f"{base64.b64encode(hashed).decode()} {base64.b64encode(salt).decode()}"


def edit_security(change):
    """Applies one edit command to security.json and writes it back whole (Solr rewrites it too)."""
    document = security()
    users = document["authentication"]["credentials"]
    roles = document["authorization"].setdefault("user-role", {})
    for user, password in change.get("set-user", {}).items():
        users[user] = password_hash(password)
    for user in change.get("delete-user", []):
        users.pop(user, None)
    for user, role in change.get("set-user-role", {}).items():
        if role is None:
            roles.pop(user, None)
        else:
            roles[user] = role
    with open(SECURITY + ".new", "w", encoding="utf-8") as f:
        json.dump(document, f, indent=2)
    os.replace(SECURITY + ".new", SECURITY)


def password_matches(password, stored):
    hashed, salt = (base64.b64decode(p) for p in stored.split(" "))
    first = hashlib.sha256(salt + password.encode()).digest()
    return hashlib.sha256(first).digest() == hashed


class Handler(BaseHTTPRequestHandler):
    server_version = "solr-standin"

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorized(self):
        """True, or the status that refuses the request: 401 (who?) or 403 (not an admin)."""
        document = security()
        if document is None:
            return True
        users = document["authentication"]["credentials"]
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return 401
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        if not (user in users and password_matches(password, users[user])):
            return 401
        return True if "admin" in document["authorization"].get("user-role", {}).get(user, []) else 403

    def refuse(self, status):
        self.send_response(status)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Basic realm="solr"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        url = urlparse(self.path)
        allowed = self.authorized()
        if allowed is not True:
            return self.refuse(allowed)
        if url.path not in ("/solr/admin/authentication", "/solr/admin/authorization") or security() is None:
            return self.reply(404, {"error": {"msg": "not served by the Solr stand-in"}})
        try:
            change = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        except ValueError:
            return self.reply(400, {"error": {"msg": "the body is no JSON"}})
        edit_security(change)
        return self.reply(200, {"responseHeader": {"status": 0}})

    def do_GET(self):
        url = urlparse(self.path)
        parts = [p for p in url.path.split("/") if p]
        query = parse_qs(url.query)
        if parts == ["solr", "admin", "info", "system"]:
            return self.reply(200, {"lucene": {"solr-spec-version": VERSION}, "mode": "std", "standin": True})
        if len(parts) == 4 and parts[0] == "solr" and parts[2:] == ["admin", "ping"]:
            if parts[1] in cores():
                return self.reply(200, {"status": "OK"})
            return self.reply(404, {"error": {"msg": f"no such core: {parts[1]}"}})
        allowed = self.authorized()
        if allowed is not True:
            return self.refuse(allowed)
        if parts == ["solr", "admin", "cores"] and query.get("action", ["STATUS"])[0] == "STATUS":
            wanted = query.get("core")
            names = [c for c in cores() if not wanted or c in wanted]
            return self.reply(200, {"status": {c: {"name": c, "instanceDir": os.path.join(HOME, c)} for c in names}})
        if len(parts) == 3 and parts[0] == "solr" and parts[2] == "select":
            if parts[1] in cores():
                return self.reply(200, {"responseHeader": {"status": 0}, "response": {"numFound": 0, "start": 0, "docs": []}})
            return self.reply(404, {"error": {"msg": f"no such core: {parts[1]}"}})
        return self.reply(404, {"error": {"msg": "not served by the Solr stand-in"}})

    def log_message(self, fmt, *args):
        sys.stderr.write("solr-standin: " + (fmt % args) + "\n")


if __name__ == "__main__":
    address = (os.environ.get("SOLR_JETTY_HOST", "0.0.0.0"), int(os.environ.get("SOLR_PORT", "8983")))
    print(f"solr-standin: serving {HOME} on {address[0]}:{address[1]}", file=sys.stderr, flush=True)
    # As PID 1 of its container a process ignores SIGTERM unless it handles it: stop at once, as the
    # real server does, rather than after the pod's whole grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(address, Handler).serve_forever()
