"""A small HTTP server on 127.0.0.1 for the download tests: good files, error statuses, a
body shorter than announced, slow and stalled bodies, redirects. Never the internet.

    server.add("/a.txt", body(b"..."))           # 200 with Content-Length
    server.add("/gone.txt", status(404))
    server.url("a.txt") -> "http://127.0.0.1:PORT/a.txt";  server.requests -> paths asked
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEXT = "text/plain; charset=utf-8"


def body(data: bytes, content_type: str = TEXT, announce: int | None = None, length: bool = True):
    """200 with `data`; Content-Length `announce` (default: the true length; no header if not
    `length`, so the body ends when the connection closes)."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        if length:
            h.send_header("Content-Length", str(len(data) if announce is None else announce))
        h.end_headers()
        h.wfile.write(data)
    return handle


def status(code: int):
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_error(code)
    return handle


def redirect(to: str):
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(302)
        h.send_header("Location", to)
        h.send_header("Content-Length", "0")
        h.end_headers()
    return handle


def slow(data: bytes, piece: int = 1024, pause: float = 0.02, stop: threading.Event | None = None):
    """`data` in small pieces with a pause between them (until the client goes or `stop`)."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", TEXT)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        try:
            for start in range(0, len(data), piece):
                if stop is not None and stop.is_set():
                    return
                h.wfile.write(data[start:start + piece])
                h.wfile.flush()
                time.sleep(pause)
        except OSError:  # the client cancelled and closed the connection
            pass
    return handle


def stall(release: threading.Event, head: bytes = b"", announce: int = 1000):
    """Headers and `head`, then nothing until `release` is set (for timeouts)."""
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", TEXT)
        h.send_header("Content-Length", str(announce))
        h.end_headers()
        h.wfile.write(head)
        h.wfile.flush()
        release.wait(30)
    return handle


class LocalServer:
    def __init__(self) -> None:
        self.routes: dict[str, Callable] = {}
        self.requests: list[str] = []
        self.release = threading.Event()  # set at the end: stalled handlers return
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.requests.append(self.path)
                server.routes.get(self.path, status(404))(self)

            def log_message(self, *args) -> None:  # quiet
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), name="local-http",
                                       daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str = "") -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def add(self, path: str, handler) -> None:
        self.routes["/" + path.lstrip("/")] = handler

    def __enter__(self) -> LocalServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


def gutenberg_file(book: str, title: str = "ALICE'S ADVENTURES IN WONDERLAND") -> bytes:
    """A file laid out like Project Gutenberg's plain text: BOM, CRLF, a header and a licence
    around the book."""
    text = (f"\ufeffThe Project Gutenberg eBook of {title.title()}\n\nThis eBook is for the use "
            f"of anyone anywhere...\n\n*** START OF THE PROJECT GUTENBERG EBOOK {title} ***\n\n"
            f"{book}\n\n*** END OF THE PROJECT GUTENBERG EBOOK {title} ***\n\n"
            "Updated editions will replace the previous one... (the licence)\n")
    return text.replace("\n", "\r\n").encode("utf-8")
