#!/usr/bin/env python3
"""Seeds for bench/fuzz.sh, one folder per target under OUT/seeds/, taken from the test fixtures: the conformance
and RFC vectors of HTTPAuth (headers, credentials, JWTs), the attack vectors of the end-to-end suite (request
targets, return URLs), and a line or file of each format the log and configuration readers take."""
import json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "bench", "out", "fuzz"), "seeds")


def strings(value):
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def write(target, seeds):
    folder = os.path.join(OUT, target)
    os.makedirs(folder, exist_ok=True)
    for index, seed in enumerate(seeds):
        with open(os.path.join(folder, f"seed-{index:04d}"), "wb") as f:
            f.write(seed if isinstance(seed, bytes) else seed.encode())


fixtures = os.path.join(ROOT, "Tests", "HTTPAuthTests", "Fixtures")
found = []
for name in ("conformance.json", "rfc_vectors.json"):
    with open(os.path.join(fixtures, name)) as f:
        found += [s for s in strings(json.load(f)) if 0 < len(s) < 4096]
headers = [s for s in found if any(k in s for k in ("realm", "Basic", "Digest", "Bearer", "=", ","))]
tokens = [s for s in found if s.count(".") == 2 and s.startswith("ey")]
write("auth-header", headers)
write("credentials", headers + ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", 'Digest username="Mufasa", realm="x", nonce="n", uri="/", response="00", qop=auth, nc=00000001, cnonce="c"'])
write("jwt", tokens + ["ghk_abcdefghijkl_0123456789abcdef0123456789abcdef"])

sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))
import attack_vectors  # noqa: E402
write("request-target", [v["target"] for v in attack_vectors.PATH_BYPASS] + [v["value"] for v in attack_vectors.REDIRECT_NEXT])

write("log-lines", [
    '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=\\"1\\" HTTP/1.0" 401 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
    '{"ts":1732442588.1,"request":{"remote_ip":"127.0.0.1","method":"GET","uri":"/a","headers":{"Authorization":["REDACTED"]}},"status":401,"user_id":"alice"}',
    '[Tue Nov 24 05:23:08.123456 2026] [auth_basic:error] [pid 12:tid 34] [client 127.0.0.3:51234] AH01617: user alice: authentication failure for "/basic/": Password Mismatch',
    '2026/11/24 05:23:08 [error] 12#12: *3 user "alice": password mismatch, client: 127.0.0.1, server: localhost, request: "GET /x HTTP/1.1", host: "localhost"',
])
write("har", [json.dumps({"log": {"creator": {"name": "Chromium"}, "entries": [{
    "startedDateTime": "2026-11-24T06:00:01.123Z",
    "request": {"method": "GET", "url": "https://api.example/x", "headers": [{"name": "Authorization", "value": "Bearer a.b.c"}]},
    "response": {"status": 401, "headers": [{"name": "WWW-Authenticate", "value": 'Bearer error="invalid_token"'}], "content": {"text": "{}"}}}]}})])
write("nginx-config", ["events {}\nhttp { server { listen 80; location /admin/ { auth_basic \"Admin\"; auth_basic_user_file users; } } }\n"])
write("apache-config", ['<Location "/admin">\n  AuthType Basic\n  AuthName "Admin"\n  AuthUserFile users\n  Require valid-user\n</Location>\n'])
