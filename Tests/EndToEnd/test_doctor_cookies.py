"""curl's cookie engine in `gatehouse doctor`: `-b FILE` reads a Netscape cookie file, `-c FILE` writes one that
real curl reads back, cookies set along a redirect chain are carried to the next hop, and an expired session cookie
is named as `cookie-blocked`. The server is a small session application on 127.0.0.1."""
import json, os, secrets, subprocess, tempfile, time
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import BINARY, doctor, first_cause, serve

SESSIONS = set()


class SessionApp(BaseHTTPRequestHandler):
    """`/login?user=alice` sets a session cookie and redirects to `/private/`, which needs it."""

    def do_GET(self):
        if self.path.startswith("/login"):
            session = secrets.token_urlsafe(16)
            SESSIONS.add(session)
            self.send_response(302)
            self.send_header("Set-Cookie", f"session={session}; Path=/; HttpOnly; SameSite=Lax")
            self.send_header("Location", "/private/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        cookies = dict(part.strip().split("=", 1) for part in self.headers.get("Cookie", "").split(";") if "=" in part)
        ok = cookies.get("session") in SESSIONS
        body = json.dumps({"private": True} if ok else {"error": "not logged in"}).encode()
        self.send_response(200 if ok else 401)
        if not ok:
            self.send_header("WWW-Authenticate", 'Cookie realm="app", form-action="/login"')
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app():
    yield from serve(SessionApp)


def test_cookie_jar_written_by_the_doctor_is_read_by_curl(app):
    jar = os.path.join(tempfile.mkdtemp(prefix="gatehouse-cookies-"), "jar.txt")
    report = doctor("-L", "-c", jar, app + "/login?user=alice")
    assert report["outcome"] == "authorized", "the cookie set by the redirect went to the next hop"
    assert open(jar).read().startswith("# Netscape HTTP Cookie File")
    curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", jar, app + "/private/"], capture_output=True, text=True)
    assert curl.stdout == "200", "curl reads the jar and the session works"
    again = doctor("-b", jar, app + "/private/")
    assert again["outcome"] == "authorized" and first_cause(again) is None


def test_an_expired_session_cookie_is_named(app):
    folder = tempfile.mkdtemp(prefix="gatehouse-cookies-")
    live = os.path.join(folder, "live.txt")
    subprocess.run(["curl", "-s", "-L", "-c", live, "-o", "/dev/null", app + "/login?user=alice"], check=True)
    fields = [line.split("\t") for line in open(live) if "\tsession\t" in line][0]
    fields[4] = str(int(time.time()) - 3600)  # the session cookie expired an hour ago
    expired = os.path.join(folder, "expired.txt")
    with open(expired, "w") as f:
        f.write("# Netscape HTTP Cookie File\n" + "\t".join(fields))
    report = doctor("-b", expired, app + "/private/")
    assert report["outcome"] == "unauthorized"
    assert first_cause(report) == "cookie-blocked"
    assert "expired" in " ".join(report["findings"][0]["evidence"])
    assert fields[6].strip() not in json.dumps(report), "the cookie's value never appears in a report"


def test_a_corrupt_cookie_file_is_a_clear_error(app):
    corrupt = os.path.join(tempfile.mkdtemp(prefix="gatehouse-cookies-"), "corrupt.txt")
    with open(corrupt, "w") as f:
        f.write("# Netscape HTTP Cookie File\nnot a cookie line\n")
    result = subprocess.run([BINARY, "doctor", "-b", corrupt, app + "/private/"], capture_output=True, text=True)
    assert result.returncode == 2 and "corrupt.txt:2" in result.stderr


def test_a_session_cookie_for_another_path_is_out_of_scope(app):
    folder = tempfile.mkdtemp(prefix="gatehouse-cookies-")
    live = os.path.join(folder, "live.txt")
    subprocess.run(["curl", "-s", "-L", "-c", live, "-o", "/dev/null", app + "/login?user=alice"], check=True)
    fields = [line.split("\t") for line in open(live) if "\tsession\t" in line][0]
    fields[2] = "/account"   # as if the login had set Path=/account
    narrow = os.path.join(folder, "narrow.txt")
    with open(narrow, "w") as f:
        f.write("# Netscape HTTP Cookie File\n" + "\t".join(fields))
    curl = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-b", narrow, app + "/private/"], capture_output=True, text=True)
    assert curl.stdout == "401", "curl does not send it either"
    report = doctor("-b", narrow, app + "/private/")
    assert first_cause(report) == "cookie-out-of-scope"
    assert "Path=/account" in " ".join(report["findings"][0]["evidence"])
    assert fields[6].strip() not in json.dumps(report)
