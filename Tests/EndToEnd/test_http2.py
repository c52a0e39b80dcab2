"""HTTP/2 over TLS (issue 15): the gateway offers `h2` by ALPN beside `http/1.1`, as nginx (`http2 on`) and Caddy do.

curl (with nghttp2) and headless Chromium must reach it over HTTP/2 and get the same refusals, challenges and logins
as over HTTP/1.1; what HTTP/2 changes on the wire is tried with the `h2` library (RFC 9113): a header list over the
advertised limit, Cookie split into one field per pair (§8.2.3), a body without a length (§8.1), a TLS handshake that
never ends. Users come from Apache's own htpasswd, and curl's Digest logs in against a file in Apache's format."""
import json, os, re, shutil, socket, ssl, subprocess, tempfile, time
from http.server import BaseHTTPRequestHandler

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

from attack_vectors import PATH_BYPASS
from conftest import Gateway, apache_htdigest, chromium, serve
from test_attacks import SECRET, LaxBackend, site_config as attack_site
from test_session import log_in, text
from test_tls import make_certificate


class BodyEcho(BaseHTTPRequestHandler):
    """An HTTP/1.1 upstream that answers with the framing, the Cookie lines and the body it received."""

    def reply(self):
        length = self.headers.get("Content-Length")
        body = self.rfile.read(int(length)) if length else b""
        document = {
            "path": self.path, "content_length": length, "transfer_encoding": self.headers.get("Transfer-Encoding"),
            "cookies": self.headers.get_all("Cookie") or [], "body": body.decode("latin-1"),
        }
        data = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = reply

    def log_message(self, *args):
        pass


def site_config(upstream, http2=""):
    return f"""
listen: 127.0.0.1:0
store: sqlite:gatehouse.sqlite
upstream: {upstream}
realm: Example
lockout: {{ failures: 0 }}
access_log: access.jsonl
connections: {{ header_timeout: 2s, per_address: 8 }}
tls: {{ certificate: cert.pem, key: key.pem{http2} }}
routes:
  - path: /both/
    schemes: [basic, digest]
    users: apache.htpasswd
    digest_users: apache.htdigest
  - path: /app/
    schemes: [session]
    users: apache.htpasswd
  - path: /
    public: true
"""


@pytest.fixture(scope="module")
def body_echo():
    yield from serve(BodyEcho)


def make_site(files, upstream, http2=""):
    folder = tempfile.mkdtemp(prefix="gatehouse-h2-")
    make_certificate(folder, "h2")
    subprocess.run(["htpasswd", "-cbB", "-C", "5", os.path.join(folder, "apache.htpasswd"), "alice", "alice-pw"], check=True, capture_output=True)
    shutil.copy(os.path.join(files, "apache.htdigest"), folder)
    return folder, Gateway(folder, site_config(upstream, http2))


@pytest.fixture(scope="module")
def site(files, body_echo):
    folder, gateway = make_site(files, body_echo)
    yield gateway
    gateway.stop()
    shutil.rmtree(folder, ignore_errors=True)


def port_of(gateway):
    return int(gateway.url.rsplit(":", 1)[1])


def curl(gateway, protocol, path, *extra):
    """One curl request over `--http1.1` or `--http2`: (HTTP version curl used, status, headers by lower-case name
    with every value, body)."""
    folder = gateway.folder
    result = subprocess.run(
        ["curl", "-sS", protocol, "--cacert", os.path.join(folder, "cert.pem"), "-D", "-", "-o", os.path.join(folder, "body"),
         "-w", "\n%{http_version}", *extra, f"https://127.0.0.1:{port_of(gateway)}{path}"],
        capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    head, version = result.stdout.rsplit("\n", 1)
    blocks = [b for b in head.replace("\r", "").split("\n\n") if b.strip()]
    lines = blocks[-1].split("\n")   # the last response of an exchange (Digest makes two)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    with open(os.path.join(folder, "body"), "rb") as f:
        body = f.read()
    return version, int(lines[0].split()[1]), headers, body


def comparable(headers, body):
    """What a client sees of a response, without what differs per request (its id, date, length, a Digest nonce, a
    cookie's value, a Digest rspauth) or per protocol (HTTP/1.1's connection fields)."""
    varying = {"x-request-id", "date", "content-length", "connection", "keep-alive", "transfer-encoding"}
    def fresh(name, value):
        if name == "set-cookie":
            return re.sub(r"^([^=;]+)=[^;]*", r"\1=", value)
        return re.sub(r'(nonce|opaque|rspauth)="[^"]*"', r'\1=""', value)
    document = json.loads(body) if body.startswith(b"{") else body
    if isinstance(document, dict):
        document = {k: v for k, v in document.items() if k not in ("request_id", "instance", "headers")}
    return {k: sorted(fresh(k, value) for value in v) for k, v in headers.items() if k not in varying}, document


EXCHANGES = [
    ("no credentials", "/both/x", []),
    ("Basic, right password", "/both/x", ["-u", "alice:alice-pw"]),
    ("Basic, wrong password", "/both/x", ["-u", "alice:wrong"]),
    ("Basic, unknown user", "/both/x", ["-u", "mallory:alice-pw"]),
    ("Digest from Apache's file", "/both/x", ["--digest", "-u", "carol:carol-pw"]),
    ("Digest, wrong password", "/both/x", ["--digest", "-u", "carol:wrong"]),
    ("a malformed Authorization", "/both/x", ["-H", "Authorization: Basic !!!"]),
    ("an API client on a session route", "/app/x", ["-H", "Accept: application/json"]),
    ("a browser on a session route", "/app/x", ["-H", "Accept: text/html"]),
    ("an encoded slash", "/both%2fx", []),
    ("the public route", "/public", []),
]


@pytest.mark.parametrize("name,path,extra", EXCHANGES, ids=[e[0] for e in EXCHANGES])
def test_curl_over_http2_gets_what_it_gets_over_http1(site, name, path, extra):
    v1, status1, headers1, body1 = curl(site, "--http1.1", path, *extra)
    v2, status2, headers2, body2 = curl(site, "--http2", path, *extra)
    assert (v1, v2) == ("1.1", "2"), "curl used HTTP/1.1, then HTTP/2 negotiated by ALPN"
    assert status2 == status1, f"{name}: {status1} over HTTP/1.1, {status2} over HTTP/2"
    assert comparable(headers2, body2) == comparable(headers1, body1), name
    if status1 == 401:
        assert headers2["cache-control"] == ["no-store"]
        assert headers2.get("www-authenticate"), "the challenges are sent over HTTP/2 too"


def audit_lines(gateway, count):
    path = os.path.join(gateway.folder, "access.jsonl")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path) as f:
                lines = [json.loads(line) for line in f if line.strip()]
            if len(lines) >= count:
                return lines
        time.sleep(0.1)
    raise AssertionError("the access log did not get the requests")


def test_the_audit_says_the_same_whatever_the_protocol(files, body_echo):
    folder, gateway = make_site(files, body_echo)
    try:
        for protocol in ("--http1.1", "--http2"):
            curl(gateway, protocol, "/both/x", "-u", "alice:wrong")
            curl(gateway, protocol, "/both/x", "-u", "alice:alice-pw")
        lines = audit_lines(gateway, 4)
        keep = lambda r: (r["path"], r["outcome"], r["status"], r.get("reason"), r.get("user"), r.get("scheme"), r["client"])
        assert [keep(r) for r in lines[:2]] == [keep(r) for r in lines[2:4]]
        assert lines[0]["outcome"] == "unauthorized" and lines[1]["outcome"] == "allowed"
    finally:
        gateway.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_http2_false_offers_http1_only(files, body_echo):
    folder, gateway = make_site(files, body_echo, http2=", http2: false")
    try:
        version, status, headers, _ = curl(gateway, "--http2", "/both/x")
        assert (version, status) == ("1.1", 401), "ALPN settles on http/1.1 when h2 is not offered"
        assert headers["www-authenticate"]
    finally:
        gateway.stop()
        shutil.rmtree(folder, ignore_errors=True)


class H2Client:
    """A raw HTTP/2 client over TLS (h2's state machine on an ssl socket), for what curl will not send."""

    def __init__(self, port, timeout=10, validate=True):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        context.set_alpn_protocols(["h2"])
        self.socket = context.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=timeout))
        assert self.socket.selected_alpn_protocol() == "h2"
        # validate=False sends what h2 would refuse to (an attacker's :path), as a hand-made client can.
        self.connection = h2.connection.H2Connection(h2.config.H2Configuration(
            client_side=True, header_encoding="utf-8", validate_outbound_headers=validate, normalize_outbound_headers=validate))
        self.connection.initiate_connection()
        self.flush()
        self.server_settings = {}
        self.closed_by_server = None
        self.streams = {}

    def flush(self):
        self.socket.sendall(self.connection.data_to_send())

    def pump(self):
        """Reads once from the server and files what came by stream; False when the connection is gone."""
        try:
            received = self.socket.recv(65536)
        except (ConnectionResetError, ssl.SSLError):
            received = b""
        if not received:
            self.closed_by_server = self.closed_by_server or "connection closed"
            return False
        for event in self.connection.receive_data(received):
            stream = self.streams.get(getattr(event, "stream_id", None))
            if isinstance(event, h2.events.RemoteSettingsChanged):
                self.server_settings.update({k: v.new_value for k, v in event.changed_settings.items()})
            elif isinstance(event, h2.events.ConnectionTerminated):
                self.closed_by_server = f"GOAWAY ({event.error_code!r})"
            elif stream is None:
                continue
            elif isinstance(event, h2.events.ResponseReceived):
                stream["status"] = int(dict(event.headers)[":status"])
            elif isinstance(event, h2.events.DataReceived):
                stream["data"] += event.data
                self.connection.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                stream["done"] = True
            elif isinstance(event, h2.events.StreamReset):
                stream["done"] = True
                self.closed_by_server = f"stream reset ({event.error_code!r})"
        self.flush()
        return self.closed_by_server is None or not self.closed_by_server.startswith("GOAWAY")

    def request(self, headers, body=None, chunk=16384):
        """Sends one request (the body in DATA frames, no length given unless `headers` has one) and reads its
        answer: (status or None when the server reset the stream or closed the connection first, body)."""
        stream_id = self.connection.get_next_available_stream_id()
        stream = self.streams[stream_id] = {"status": None, "data": b"", "done": False}
        self.connection.send_headers(stream_id, headers, end_stream=body is None)
        self.flush()
        sent = 0
        while body is not None and sent < len(body) and not stream["done"]:
            window = min(self.connection.local_flow_control_window(stream_id), self.connection.max_outbound_frame_size)
            if window == 0:
                if not self.pump():
                    break
                continue
            size = min(window, len(body) - sent)
            self.connection.send_data(stream_id, body[sent:sent + size], end_stream=sent + size == len(body))
            self.flush()
            sent += size
        while not stream["done"] and self.pump():
            pass
        return stream["status"], stream["data"]

    def close(self):
        self.socket.close()


def request_headers(port, method, path, *extra):
    return [(":method", method), (":scheme", "https"), (":authority", f"127.0.0.1:{port}"), (":path", path), *extra]


def test_http2_limits_are_advertised_and_a_header_list_over_them_is_refused(site):
    port = port_of(site)
    client = H2Client(port)
    try:
        status, _ = client.request(request_headers(port, "GET", "/both/x"))
        assert status == 401
        settings = client.server_settings
        # nginx 1.22's: 128 streams (http2_max_concurrent_streams) and a 16k header list (http2_max_header_size);
        # Caddy (Go) has 250 streams and 1 MiB.
        assert settings.get(h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS) == 128
        assert settings.get(h2.settings.SettingCodes.MAX_HEADER_LIST_SIZE) == 16384
        status, _ = client.request(request_headers(port, "GET", "/both/x", ("x-padding", "a" * 20000)))
        assert status is None, "a header list over the advertised 16 KiB gets no answer"
        assert client.closed_by_server
    finally:
        client.close()
    again = H2Client(port)
    try:
        assert again.request(request_headers(port, "GET", "/both/x"))[0] == 401, "the gateway serves on"
    finally:
        again.close()


def test_128_streams_at_once_on_one_connection_are_all_answered(site):
    """nginx's http2_max_concurrent_streams: 128 requests open at once on one connection each get their 401 (with
    swift-nio-http2's 100, the last 28 would be refused with RST_STREAM)."""
    port = port_of(site)
    client = H2Client(port)
    try:
        assert client.request(request_headers(port, "GET", "/both/x"))[0] == 401   # settings exchanged and acknowledged
        opened = []
        for _ in range(128):
            stream_id = client.connection.get_next_available_stream_id()
            client.streams[stream_id] = {"status": None, "data": b"", "done": False}
            client.connection.send_headers(stream_id, request_headers(port, "GET", "/both/x"), end_stream=True)
            opened.append(stream_id)
        client.flush()
        while not all(client.streams[s]["done"] for s in opened) and client.pump():
            pass
        assert [client.streams[s]["status"] for s in opened] == [401] * 128, client.closed_by_server
    finally:
        client.close()


def test_split_cookies_and_a_body_without_length_reach_an_http1_upstream_as_http1_wants(site):
    port = port_of(site)
    client = H2Client(port)
    try:
        status, data = client.request(request_headers(port, "GET", "/public", ("cookie", "a=1"), ("cookie", "b=2")))
        assert status == 200
        received = json.loads(data)
        assert received["cookies"] == ["a=1; b=2"], "RFC 9113 §8.2.3: split cookies joined into one field"
        assert received["content_length"] is None and received["transfer_encoding"] is None, "a GET without body stays without"

        body = os.urandom(300000).hex().encode()[:300000]
        status, data = client.request(request_headers(port, "POST", "/public"), body=body)
        assert status == 200
        received = json.loads(data)
        assert received["content_length"] == str(len(body)) and received["body"].encode() == body

        status, data = client.request(request_headers(port, "POST", "/public"), body=b"x" * ((1 << 20) + 1))
        assert status == 413, "over 1 MiB without a length: 413, as nginx's client_max_body_size 1m"
        assert b"body-too-large" in data
    finally:
        client.close()


def test_a_tls_handshake_that_never_ends_is_closed_and_the_cap_per_address_holds(site):
    port = port_of(site)
    silent = socket.create_connection(("127.0.0.1", port), timeout=15)
    started = time.monotonic()
    assert silent.recv(1) == b"", "a client that never says hello is closed"
    assert time.monotonic() - started < 10, "within header_timeout (2 s), not never"
    silent.close()
    held = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(8)]
    try:
        extra = socket.create_connection(("127.0.0.1", port), timeout=5)
        assert extra.recv(1) == b"", "per_address: 8 closes the ninth connection at once"
        extra.close()
    finally:
        for connection in held:
            connection.close()
    time.sleep(0.5)
    version, status, _, _ = curl(site, "--http2", "/both/x")
    assert (version, status) == ("2", 401)


def test_chromium_logs_in_over_http2(site):
    driver = chromium("--window-size=1000,800", "--ignore-certificate-errors")
    try:
        log_in(driver, site.url)
        assert "/app/report" in driver.current_url
        assert json.loads(text(driver))["path"] == "/app/report?q=1", "the upstream's answer, after the login"
        protocol = driver.execute_script("return performance.getEntriesByType('navigation')[0].nextHopProtocol")
        assert protocol == "h2", f"Chromium used {protocol}"
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def bypass_gateways(files):
    """test_attacks.py's four targets over TLS with HTTP/2: the secret behind `/admin/` or `/admin`, in a static folder
    or behind the upstream that reads paths as loosely as real servers do."""
    folder = tempfile.mkdtemp(prefix="gatehouse-h2-attacks-")
    os.makedirs(os.path.join(folder, "public", "admin"))
    with open(os.path.join(folder, "public", "admin", "secret.txt"), "w") as f:
        f.write(SECRET)
    make_certificate(folder, "h2")
    subprocess.run(["htpasswd", "-cbB", "-C", "5", os.path.join(folder, "apache.htpasswd"), "alice", "alice-pw"], check=True, capture_output=True)
    apache_htdigest(os.path.join(folder, "apache-made.htdigest"), "Example", "alice", "alice-pw", create=True)
    running = {}
    for lax in serve(LaxBackend):
        for route in ("/admin/", "/admin"):
            for kind, backend in (("static", "static: ./public"), ("upstream", f"upstream: {lax}")):
                # A folder each: a gateway reloads when its config file changes, so none may share one.
                own = tempfile.mkdtemp(dir=folder)
                os.symlink(os.path.join(folder, "public"), os.path.join(own, "public"))
                for name in ("cert.pem", "key.pem", "apache.htpasswd", "apache-made.htdigest"):
                    shutil.copy(os.path.join(folder, name), own)
                config = attack_site(route, backend).replace("routes:\n", "tls: { certificate: cert.pem, key: key.pem }\nroutes:\n", 1)
                running[(route, kind)] = Gateway(own, config)
        yield running
        for gateway in running.values():
            gateway.stop()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("kind", ["static", "upstream"])
@pytest.mark.parametrize("vector", PATH_BYPASS, ids=[f"{v['class']}:{v['target'][:50]}" for v in PATH_BYPASS])
def test_no_spelling_of_a_protected_path_reaches_it_over_http2(bypass_gateways, vector, kind):
    """Every path trick of test_attacks.py sent as HTTP/2's `:path` (RFC 9113 §8.3.1) by a client that validates
    nothing: the same canonical path decides, so the secret is never served; a `:path` HTTP/2 calls malformed may
    get its stream reset instead of an answer (§8.1.1)."""
    gateway = bypass_gateways[(vector["route"], kind)]
    port = port_of(gateway)
    target = vector["target"].replace("{port}", str(port))
    client = H2Client(port, validate=False)
    try:
        status, data = client.request(request_headers(port, "GET", target))
    finally:
        client.close()
    assert SECRET.encode() not in data, f"{target!r} reached the secret over HTTP/2: {vector['why']}"
    assert status is None or status < 500, f"{target!r} gave {status}"
    if status is None:
        return
    allowed = set(vector.get("also_ok", [])) | ({400} if ";" in target.lower() or "%3b" in target.lower() else set())
    if vector["expect"] == "challenge":
        assert status in {401} | allowed, f"{target!r} → {status}, expected the challenge: {vector['why']}"
    elif vector["expect"] == "refuse":
        assert status in {400} | allowed, f"{target!r} → {status}, expected 400: {vector['why']}"
