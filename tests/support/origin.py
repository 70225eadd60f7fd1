"""A real origin on loopback that serves the saved corpus pages under their real host names.

The fetcher reaches it the way it reaches the internet: the test writes a hosts(5) file that
maps every corpus host to one loopback address, opens that address with
LINKGRAPH_ALLOW_NETWORKS, and trusts the origin's certificate through LINKGRAPH_CA_BUNDLE.
The origin listens on ports 443 and 80 of a loopback address of its own, drawn at random from
127.8.0.0/16 and taken only when both ports are free there, so URLs keep their real scheme,
host and port and several runs (two test suites, a suite and the bench) share one machine;
binding those ports needs root or CAP_NET_BIND_SERVICE, which CI has.
"""

from __future__ import annotations

import errno
import json
import random
import re
import select
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import trustme

CORPUS_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# Pages whose bytes are not UTF-8: how SOURCES.md says to serve them.
_CONTENT_TYPES = {
    "pages/link_thumbnailer/google_shift_jis.html": "text/html; charset=Shift_JIS",
    "pages/html-get/51242_54045.html": "text/html",
    "pages/html-get/rp.pl.html": "text/html",
}


@dataclass(frozen=True, slots=True)
class CorpusPage:
    file: str
    url: str
    status: int
    content_type: str
    body: bytes
    # Extra response headers (a redirect's Location).
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    host: str
    target: str
    started: float
    finished: float
    # The request's Accept-Language, as the origin received it.
    accept_language: str | None = None


def _key(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname or "", target


def _split_response(raw: bytes) -> tuple[int, str, bytes]:
    """Split a saved raw HTTP response into its status, Content-Type and body."""
    for separator in (b"\r\n\r\n", b"\n\n"):
        head, sep, body = raw.partition(separator)
        if sep:
            break
    lines = head.decode("latin-1").splitlines()
    status = int(lines[0].split()[1])
    content_type = "text/html"
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-type":
            content_type = value.strip()
    return status, content_type, body


def load_corpus(corpus_dir: Path = CORPUS_DIR) -> list[CorpusPage]:
    """Every manifest page that has a URL; a URL saved twice gets a `_corpus=N` query on the
    later copies so that each page stays reachable."""
    manifest = json.loads((corpus_dir / "manifest.json").read_text())
    seen: Counter[str] = Counter()
    pages = []
    for entry in manifest:
        url = entry.get("url")
        if not url or not url.startswith(("http://", "https://")):
            continue
        raw = (corpus_dir / entry["file"]).read_bytes()
        if entry["file"].endswith(".response") and entry["file"].startswith("pages/metainspector"):
            status, content_type, body = _split_response(raw)
        else:
            status = 200
            content_type = _CONTENT_TYPES.get(entry["file"], "text/html; charset=utf-8")
            body = raw
        seen[url] += 1
        if seen[url] > 1:
            url += ("&" if urlsplit(url).query else "?") + f"_corpus={seen[url]}"
        pages.append(CorpusPage(entry["file"], url, status, content_type, body))
    return pages


_ICON_LINK = re.compile(r"<link[^>]+>", re.I)
_ABSOLUTE_HREF = re.compile(r"""href=["']?(?:https?:)?//([^/"'> ]+)""", re.I)
_TIKTOK_AVATAR = re.compile(r'"avatar(?:Larger|Medium|Thumb)":"https:(?:\\u002F){2}([^\\"]+)')


def asset_hosts(corpus_dir: Path = CORPUS_DIR) -> set[str]:
    """Hosts of the images and icons the saved pages point at (og:image, icon links, TikTok
    avatars), so that tests can serve image bytes under those names too."""
    hosts = set()
    for entry in json.loads((corpus_dir / "manifest.json").read_text()):
        if (entry.get("og_image") or "").startswith("http"):
            hosts.add(urlsplit(entry["og_image"]).hostname or "")
        text = (corpus_dir / entry["file"]).read_text(errors="replace")
        for tag in _ICON_LINK.findall(text):
            if "icon" in tag.lower() and (match := _ABSOLUTE_HREF.search(tag)):
                hosts.add(match.group(1).lower())
        hosts.update(match.lower() for match in _TIKTOK_AVATAR.findall(text))
    hosts.discard("")
    return hosts


@dataclass(frozen=True, slots=True)
class Gate:
    """Holds every request for one URL until the test opens it: `arrived` is set when a
    request is waiting, and the answer goes out once `opened` is set. Lets a test make one
    link slow by ordering, not by a delay it has to guess."""

    arrived: threading.Event = field(default_factory=threading.Event)
    opened: threading.Event = field(default_factory=threading.Event)


@dataclass
class CorpusOrigin:
    """The running origin: its pages, its request log and the files a fetcher needs."""

    address: str
    pages: dict[tuple[str, str, str], CorpusPage]
    ca_path: Path
    hosts_path: Path
    delay: float = 0.0
    hits: list[Hit] = field(default_factory=list)
    by_language: dict[tuple[str, str, str], dict[str, bytes]] = field(default_factory=dict)
    # Extra seconds before answering one (host, target), as a slow link would.
    delays: dict[tuple[str, str], float] = field(default_factory=dict)
    # Requests whose client hung up while their answer was being held back.
    abandoned: list[Hit] = field(default_factory=list)
    # Requests being held back now, by (host, target).
    holding: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    gates: dict[tuple[str, str], Gate] = field(default_factory=dict)

    def hits_for(self, url: str) -> list[Hit]:
        """The requests that reached `url` since the last reset."""
        _, host, target = _key(url)
        with self.lock:
            return [hit for hit in self.hits if (hit.host, hit.target) == (host, target)]

    def count(self, url: str) -> int:
        return len(self.hits_for(url))

    def reset(self) -> None:
        with self.lock:
            self.hits.clear()
            for gate in self.gates.values():
                gate.opened.set()
            self.gates.clear()
            self.abandoned.clear()
            self.delays.clear()

    def slow(self, url: str, seconds: float) -> None:
        """Hold back the answer to `url` for `seconds`, noticing a client that hangs up."""
        _, host, target = _key(url)
        self.delays[(host, target)] = seconds

    def held_now(self, url: str) -> int:
        """How many requests for `url` the origin is holding back at this moment."""
        _, host, target = _key(url)
        with self.lock:
            return self.holding[(host, target)]

    def abandoned_for(self, url: str) -> int:
        _, host, target = _key(url)
        with self.lock:
            return sum((hit.host, hit.target) == (host, target) for hit in self.abandoned)

    def add(
        self,
        url: str,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
    ) -> None:
        """Serve extra bytes at `url` (with `status`); its host must be a corpus page or
        asset host."""
        self.pages[_key(url)] = CorpusPage("(added by test)", url, status, content_type, body)

    def hold(self, url: str) -> Gate:
        """Hold requests for `url` until the returned gate is opened (`reset` opens it)."""
        _, host, target = _key(url)
        gate = Gate()
        with self.lock:
            self.gates[(host, target)] = gate
        return gate

    def add_redirect(self, url: str, location: str, status: int = 302) -> None:
        """Answer `url` with a redirect to `location`, sent exactly as given."""
        self.pages[_key(url)] = CorpusPage(
            "(added by test)", url, status, "text/plain", b"", (("Location", location),)
        )

    def add_by_language(self, url: str, bodies: dict[str, bytes]) -> None:
        """Serve at `url` the body of the first Accept-Language tag that `bodies` has (tags
        in the order the header lists them, q-values ignored), else of the key "" (a page
        that varies on the reader's language, as Wikipedia's portal or Google do)."""
        self.pages[_key(url)] = CorpusPage("(added by test)", url, 200, "text/html", b"")
        self.by_language[_key(url)] = bodies

    def languages_for(self, url: str) -> list[str | None]:
        """The Accept-Language of each request that reached `url` since the last reset."""
        return [hit.accept_language for hit in self.hits_for(url)]


def _handler(origin: CorpusOrigin, scheme: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; without this, Nagle and delayed ACKs add
        # ~40 ms to every response.
        disable_nagle_algorithm = True
        # A client that connects and then says nothing (a fetch cancelled mid-handshake)
        # ties up its own thread for this long, never the server.
        timeout = 30

        def setup(self) -> None:
            super().setup()
            if isinstance(self.request, ssl.SSLSocket):
                # The TLS handshake happens here, in the connection's own thread: done in
                # accept(), one silent client would stall every other one, and shutdown.
                try:
                    self.request.do_handshake()
                except (OSError, ssl.SSLError):
                    self.close_connection = True

        def do_GET(self) -> None:
            started = time.monotonic()
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
            # The target as sent: `self.path` has a leading `//` cut to `/` (gh-87389).
            target = self.requestline.split(" ")[1]
            page = origin.pages.get((scheme, host, target))
            with origin.lock:
                gate = origin.gates.get((host, target))
            if gate is not None:
                gate.arrived.set()
                gate.opened.wait(timeout=60)
            if origin.delay:
                time.sleep(origin.delay)
            held = origin.delays.get((host, target))
            if held is not None:
                with origin.lock:
                    origin.holding[(host, target)] += 1
                try:
                    hung_up = self._hung_up_within(held)
                finally:
                    with origin.lock:
                        origin.holding[(host, target)] -= 1
                if hung_up:
                    with origin.lock:
                        origin.abandoned.append(Hit(host, target, started, time.monotonic()))
                    self.close_connection = True
                    return
            language = self.headers.get("Accept-Language")
            headers: tuple[tuple[str, str], ...] = ()
            if page is None:
                status, content_type, body = 404, "text/plain", b"not in the corpus"
            else:
                status, content_type, body = page.status, page.content_type, page.body
                headers = page.headers
                variants = origin.by_language.get((scheme, host, target))
                if variants is not None:
                    body = _negotiated(variants, language)
                    headers = (("Vary", "Accept-Language"),)
            # Counted before the answer goes out: once the client has it, a test may count.
            with origin.lock:
                origin.hits.append(Hit(host, target, started, time.monotonic(), language))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _hung_up_within(self, seconds: float) -> bool:
            """Wait `seconds`; True as soon as the client closes the connection (a client
            sends nothing else while it waits, so anything readable is its end)."""
            readable, _, _ = select.select([self.connection], [], [], seconds)
            if not readable:
                return False
            try:
                return not self.connection.recv(1)
            except (OSError, ssl.SSLError):
                return True

        def log_message(self, format: str, *args: object) -> None:
            return None

    return Handler


def _negotiated(bodies: dict[str, bytes], accept_language: str | None) -> bytes:
    for item in (accept_language or "").split(","):
        tag = item.split(";", 1)[0].strip().lower()
        if tag in bodies:
            return bodies[tag]
    return bodies[""]


def _bind_both(
    origin: CorpusOrigin, context: ssl.SSLContext, address: str
) -> list[ThreadingHTTPServer]:
    """The HTTPS and HTTP servers on `address`, or OSError when either port is taken there."""
    https = ThreadingHTTPServer((address, 443), _handler(origin, "https"))
    try:
        http = ThreadingHTTPServer((address, 80), _handler(origin, "http"))
    except OSError:
        https.server_close()
        raise
    https.socket = context.wrap_socket(
        https.socket, server_side=True, do_handshake_on_connect=False
    )
    return [https, http]


def _free_loopback_servers(
    origin: CorpusOrigin, context: ssl.SSLContext
) -> list[ThreadingHTTPServer]:
    """Servers on the first random 127.8.x.y whose ports 443 and 80 are both free."""
    draw = random.Random()
    for _ in range(200):
        address = f"127.8.{draw.randrange(256)}.{draw.randrange(1, 255)}"
        try:
            servers = _bind_both(origin, context, address)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:  # another run holds this address
                raise
            continue
        origin.address = address
        return servers
    raise RuntimeError("no free 127.8.x.y address for the corpus origin")


@contextmanager
def serve_corpus(workdir: Path, address: str | None = None) -> Iterator[CorpusOrigin]:
    """The running origin, on `address` when given, else on a free loopback address."""
    pages = load_corpus()
    hosts = sorted({urlsplit(page.url).hostname or "" for page in pages} | asset_hosts())
    ca = trustme.CA()
    cert = ca.issue_cert(*hosts)
    ca_path = workdir / "corpus-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    hosts_path = workdir / "hosts"
    origin = CorpusOrigin(address="", pages={}, ca_path=ca_path, hosts_path=hosts_path)
    origin.pages.update((_key(page.url), page) for page in pages)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    if address is None:
        servers = _free_loopback_servers(origin, context)
    else:
        servers = _bind_both(origin, context, address)
        origin.address = address
    hosts_path.write_text(f"{origin.address} {' '.join(hosts)}\n")
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        yield origin
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
