"""Stand-in for JODConverter's REST interface (scripts/e2e/images/jod/recipe.sh says what it is not).

  GET  /actuator/health            {"status": "UP"}
  POST /conversion?format=pdf      plain text (body, or multipart field "data") -> a PDF of that text
Anything else: 404, or 415 for input that is not text or a format other than pdf.

Like the real service it enforces Spring's multipart limits, read from the JOD image's own
application.yaml (JOD_CONFIG, images/jod/application.yaml): spring.servlet.multipart.max-file-size
and max-request-size, Spring's defaults (1MB, 10MB) where the file says nothing. A multipart request
over a limit gets 413 and is not converted.
"""

import email.parser
import email.policy
import json
import os
import re
import signal
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import yaml

LINES_PER_PAGE = 60
SPRING_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def spring_size(value):
    """A Spring DataSize ("1024MB", "10KB", a plain number of bytes) in bytes."""
    match = re.fullmatch(r"\s*(\d+)\s*([KMGT]?B)?\s*", str(value), re.IGNORECASE)
    if not match:
        raise ValueError(f"not a Spring data size: {value!r}")
    return int(match.group(1)) * SPRING_UNITS[(match.group(2) or "B").upper()]


def multipart_limits(path):
    """(max-file-size, max-request-size) in bytes, as Spring Boot reads them from application.yaml."""
    with open(path, encoding="utf-8") as f:
        config = yaml.safe_load(f) or {}
    multipart = ((config.get("spring") or {}).get("servlet") or {}).get("multipart") or {}
    return spring_size(multipart.get("max-file-size", "1MB")), spring_size(multipart.get("max-request-size", "10MB"))


MAX_FILE, MAX_REQUEST = multipart_limits(os.environ.get("JOD_CONFIG", "/opt/jod/application.yaml"))


def pdf_of_text(text):
    """A minimal PDF 1.4: Helvetica 10 pt, one page per LINES_PER_PAGE lines."""
    lines = text.replace("\r\n", "\n").split("\n") or [""]
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for page in pages:
        escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in page]
        stream = "BT /F1 10 Tf 12 TL 50 800 Td " + " ".join(f"({line}) '" for line in escaped) + " ET"
        data = stream.encode("latin-1", "replace").decode("latin-1")
        objects.append(f"<< /Length {len(data.encode('latin-1'))} >>\nstream\n{data}\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>")
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


class TooLarge(Exception):
    pass


def text_of_request(content_type, body):
    if content_type.startswith("multipart/form-data"):
        if len(body) > MAX_REQUEST:
            raise TooLarge(f"request of {len(body)} bytes over max-request-size {MAX_REQUEST}")
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "data":
                data = part.get_payload(decode=True)
                if len(data) > MAX_FILE:
                    raise TooLarge(f"file of {len(data)} bytes over max-file-size {MAX_FILE}")
                return text_of_request(part.get_content_type(), data)
        return None
    if content_type.startswith("text/") or content_type in ("", "application/octet-stream"):
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            return body.decode("latin-1")
    return None


class Handler(BaseHTTPRequestHandler):
    server_version = "jod-standin"

    def reply(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if urlparse(self.path).path == "/actuator/health":
            return self.reply(200, {"status": "UP", "standin": True})
        return self.reply(404, {"error": "not served by the JOD stand-in"})

    def do_POST(self):
        url = urlparse(self.path)
        if url.path != "/conversion":
            return self.reply(404, {"error": "not served by the JOD stand-in"})
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            text = text_of_request(self.headers.get("Content-Type", ""), body)
        except TooLarge as error:
            return self.reply(413, {"error": f"the JOD stand-in, as Spring would: {error}"})
        if parse_qs(url.query).get("format", [""])[0] != "pdf" or text is None:
            return self.reply(415, {"error": "the JOD stand-in converts plain text to pdf only"})
        return self.reply(200, pdf_of_text(text), "application/pdf")

    def log_message(self, fmt, *args):
        sys.stderr.write("jod-standin: " + (fmt % args) + "\n")


if __name__ == "__main__":
    port = int(os.environ.get("JOD_PORT", "8080"))
    print(f"jod-standin: listening on 0.0.0.0:{port}, multipart limits {MAX_FILE} bytes a file, {MAX_REQUEST} a request",
          file=sys.stderr, flush=True)
    # As PID 1 of its container a process ignores SIGTERM unless it handles it: stop at once, as the
    # real server does, rather than after the pod's whole grace period.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    ThreadingHTTPServer(("0.0.0.0", port), Handler).serve_forever()
