"""Malformed responses from a raw socket server: the doctor ends each with a clear finding or error, within its time
bound, and its JSON report stays valid. Never a crash, a hang or a traceback."""
import json, os, socketserver, subprocess, threading, time

import pytest

from conftest import BINARY, first_cause

RESPONSES = {
    "/huge-header": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\nX-Filler: " + b"a" * 200_000 + b"\r\nContent-Length: 0\r\n\r\n",
    "/binary": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"bin\"\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n" + os.urandom(100_000),
    "/broken-challenge": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"unterminated\r\nContent-Length: 0\r\n\r\n",
    "/control-bytes": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"a\x1b[31mred\"\r\nContent-Length: 0\r\n\r\n",
    "/not-http": b"SSH-2.0-OpenSSH_9.6\r\n",
    "/truncated": b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"t\"\r\nContent-Length: 5000\r\n\r\nonly a little",
}


class Raw(socketserver.BaseRequestHandler):
    def handle(self):
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            request += chunk
        path = request.split(b" ")[1].decode()
        if path == "/trickle":
            self.request.sendall(b"HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"slow\"\r\nContent-Length: 1000000\r\n\r\n")
            try:
                for _ in range(200):
                    self.request.sendall(b"x")
                    time.sleep(0.1)
            except OSError:
                pass
            return
        if path == "/silent":
            time.sleep(20)
            return
        self.request.sendall(RESPONSES.get(path, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"))


@pytest.fixture(scope="module")
def raw():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Raw)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def run(*args):
    started = time.time()
    result = subprocess.run([BINARY, "doctor", "--json", *args], capture_output=True, text=True, timeout=60)
    assert "Fatal error" not in result.stderr and result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return report, time.time() - started


def test_huge_header_section(raw):
    report, seconds = run("-u", "a:b", raw + "/huge-header")
    assert report["outcome"] == "error"
    assert "too large" in report["exchanges"][0]["error"]
    assert seconds < 15


def test_binary_body(raw):
    report, _ = run("-u", "a:b", raw + "/binary")
    assert report["outcome"] == "unauthorized" and first_cause(report) == "credentials-rejected"


def test_broken_challenge(raw):
    report, _ = run("-u", "a:b", raw + "/broken-challenge")
    assert first_cause(report) == "invalid-challenge-syntax"


def test_control_bytes_in_a_challenge_are_not_printed_raw(raw):
    result = subprocess.run([BINARY, "doctor", "-u", "a:b", raw + "/control-bytes"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "\x1b[31m" not in result.stdout, "a server cannot write escape sequences to the operator's terminal"


def test_not_http_and_truncated(raw):
    report, _ = run(raw + "/not-http")
    assert report["outcome"] == "error" and "not valid HTTP" in report["exchanges"][0]["error"]
    report, seconds = run("-u", "a:b", raw + "/truncated")
    assert report["outcome"] in ("unauthorized", "error") and seconds < 15


def test_trickling_and_silent_servers_end_within_the_bound(raw):
    report, seconds = run("-u", "a:b", raw + "/trickle")
    assert report["outcome"] == "unauthorized" and seconds < 15
    report, seconds = run("-u", "a:b", raw + "/silent")
    assert report["outcome"] == "error" and "time limit" in report["exchanges"][0]["error"]
    assert seconds < 15
