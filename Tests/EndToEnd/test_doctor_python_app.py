"""`gatehouse doctor` against a small Python application that issues and checks JWTs with PyJWT, as many APIs do:
`POST /token` (the password grant) issues HS256 access tokens; `/api/` accepts audience `py-api`, `/billing/`
audience `billing`; refusals carry RFC 6750 Bearer challenges with PyJWT's own error text. Like a Spring Boot API
whose `/error` page is not permitted, it answers a path it does not have (after a valid token) with a bare 401."""
import json, time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import jwt as pyjwt
import pytest
import requests

from conftest import doctor, first_cause, serve

SECRET = "the python application's HMAC secret, 32+ bytes"
ISSUER = "http://py-app.test"


class App(BaseHTTPRequestHandler):
    issued = 0

    def reply(self, status, document, challenge=None):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        if challenge:
            self.send_header("WWW-Authenticate", challenge)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", 0))).decode())
        field = lambda name, default="": form.get(name, [default])[0]
        if self.path != "/token" or (field("username"), field("password")) != ("alice", "alice-pw"):
            return self.reply(400, {"error": "invalid_grant"})
        now, lifetime = int(time.time()), int(field("expires_in", "300"))
        claims = {"sub": "alice", "iss": ISSUER, "aud": field("audience", "py-api"), "iat": now, "exp": now + lifetime}
        token = pyjwt.encode(claims, SECRET, algorithm="HS256")
        App.issued += 1
        self.reply(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime})

    def do_GET(self):
        audience = "billing" if self.path.startswith("/billing/") else "py-api"
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return self.reply(401, {"error": "authentication required"}, 'Bearer realm="py-app"')
        try:
            claims = pyjwt.decode(header[7:], SECRET, algorithms=["HS256"], audience=audience, issuer=ISSUER)
        except pyjwt.PyJWTError as error:
            description = str(error).replace('"', "'")
            return self.reply(401, {"error": "invalid_token", "error_description": description},
                              f'Bearer realm="py-app", error="invalid_token", error_description="{description}"')
        if self.path not in ("/api/", "/billing/", "/api/orders/", "/api/orders/1"):
            # The 404 is forwarded to an error page the security chain does not permit: the client sees 401.
            return self.reply(401, {}, 'Bearer realm="py-app"')
        self.reply(200, {"hello": claims["sub"]})

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app():
    yield from serve(App)


def token(app, **form):
    response = requests.post(app + "/token", data={"username": "alice", "password": "alice-pw", **form})
    response.raise_for_status()
    return response.json()["access_token"]


def test_working_token_and_missing_token(app):
    working = doctor("--oauth2-bearer", token(app), app + "/api/")
    assert working["outcome"] == "authorized" and first_cause(working) is None and working["_exit"] == 0
    assert first_cause(doctor(app + "/api/")) == "no-credentials-sent"


def test_expired_token(app):
    short = token(app, expires_in="1")
    time.sleep(2.1)
    report = doctor("-H", "Authorization: Bearer " + short, app + "/api/")
    assert first_cause(report) == "token-expired"
    assert short not in json.dumps(report), "the token is redacted"


def test_token_from_an_issuer_whose_clock_runs_ahead(app):
    now = int(time.time())
    early = pyjwt.encode({"sub": "alice", "iss": ISSUER, "aud": "py-api", "iat": now + 600, "nbf": now + 600, "exp": now + 900},
                         SECRET, algorithm="HS256")
    assert first_cause(doctor("--oauth2-bearer", early, app + "/api/")) == "token-not-yet-valid"


def test_token_for_another_api(app):
    report = doctor("--oauth2-bearer", token(app), app + "/billing/")
    assert first_cause(report) == "token-audience-mismatch"
    assert "py-api" in " ".join(report["findings"][0]["evidence"])
    assert doctor("--oauth2-bearer", token(app, audience="billing"), app + "/billing/")["outcome"] == "authorized"


def test_a_post_that_succeeds_is_sent_once(app):
    before = App.issued
    report = doctor("-d", "username=alice&password=alice-pw", app + "/token")
    assert report["outcome"] == "authorized"
    assert App.issued == before + 1, "the doctor does not repeat a request that has effects once it succeeded"


def test_an_api_that_answers_its_errors_with_401(app):
    report = doctor("--oauth2-bearer", token(app), app + "/api/orders/999")
    assert first_cause(report) == "error-masked-as-401"
    absent = [probe for probe in report["exchanges"] if probe["purpose"] == "absent-path"]
    assert absent and absent[0]["status"] == 401, "a path that cannot exist was tried with the valid token"
    assert doctor("--oauth2-bearer", token(app), app + "/api/orders/1")["outcome"] == "authorized"
