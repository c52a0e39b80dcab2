"""`gatehouse serve` against real clients: curl and Python requests, with users written by Apache's htpasswd."""
import json, subprocess, time

import pytest
import requests
from requests.auth import HTTPBasicAuth, HTTPDigestAuth

import conftest
from conftest import FORMATS, OTHER_SECRET, SECRET, b64url, jwt


def curl(*args):
    """Runs curl; returns (status, headers as a list of (name, value), body)."""
    result = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/stderr", *args], capture_output=True, text=True, errors="replace")
    blocks = [b for b in result.stdout.replace("\r\n", "\n").split("\n\n") if b.strip()]
    head = blocks[-1].split("\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in head[1:] if ":" in line]
    return int(head[0].split()[1]), headers, result.stderr


def values(headers, name):
    return [v for n, v in headers if n.lower() == name.lower()]


def test_first_request_gets_one_challenge_per_scheme_and_a_problem_body(gateway):
    status, headers, body = curl(gateway.url + "/both/")
    assert status == 401
    challenges = values(headers, "WWW-Authenticate")
    assert [c.split()[0] for c in challenges] == ["Digest", "Digest", "Basic"]
    assert "algorithm=SHA-256" in challenges[0] and "algorithm=MD5" in challenges[1]
    assert challenges[2] == 'Basic realm="Example", charset="UTF-8"'
    assert values(headers, "Content-Type") == ["application/problem+json"]
    assert values(headers, "Cache-Control") == ["no-store"]
    problem = json.loads(body)
    assert problem["status"] == 401 and problem["request_id"] == values(headers, "X-Request-Id")[0]
    assert gateway.explain(problem["request_id"])["reason"] == "no-credentials"


@pytest.mark.parametrize("name", FORMATS)
def test_curl_basic_with_every_htpasswd_format(gateway, name):
    status, headers, body = curl("--basic", "-u", f"user-{name}:pw-{name}", gateway.url + "/basic/x")
    assert status == 200, body
    seen = json.loads(body)["headers"]
    assert seen["x-remote-user"] == f"user-{name}"
    assert "authorization" not in seen, "the credential is withheld from the upstream"
    assert seen["x-forwarded-for"] == "127.0.0.1" and "for=127.0.0.1" in seen["forwarded"]


def test_wrong_password_and_unknown_user_look_the_same_but_explain_tells_them_apart(gateway):
    s1, h1, b1 = curl("-u", "alice:wrong", gateway.url + "/basic/")
    s2, h2, b2 = curl("-u", "nobody:wrong", gateway.url + "/basic/")
    assert s1 == s2 == 401
    p1, p2 = json.loads(b1), json.loads(b2)
    assert p1["detail"] == p2["detail"]
    assert gateway.explain(p1["request_id"])["reason"] == "password-mismatch"
    assert gateway.explain(p2["request_id"])["reason"] == "unknown-user"
    record = gateway.explain(p1["request_id"])
    assert record["user"] == "alice" and record["cause"] == "credentials-rejected" and record["client"] == "127.0.0.1"


def test_a_spoofed_user_header_never_reaches_the_upstream(gateway):
    status, _, body = curl("-u", "bob:bob-pw", "-H", "X-Remote-User: alice", gateway.url + "/basic/")
    assert status == 200 and json.loads(body)["headers"]["x-remote-user"] == "bob"


def test_curl_digest_sha256_and_md5(gateway):
    status, headers, body = curl("--digest", "-u", "alice:alice-pw", gateway.url + "/digest/page?q=1")
    assert status == 200, body
    assert values(headers, "Authentication-Info") and "rspauth=" in values(headers, "Authentication-Info")[0]
    status, _, body = curl("--digest", "-u", "alice:wrong", gateway.url + "/digest/page")
    assert status == 401
    assert gateway.explain(json.loads(body)["request_id"])["reason"] == "password-mismatch"


def test_digest_against_an_apache_md5_htdigest_file(gateway):
    status, _, body = curl("--digest", "-u", "carol:carol-pw", gateway.url + "/apache-digest/")
    assert status == 200, body


def test_curl_anyauth_picks_a_scheme(gateway):
    status, _, body = curl("--anyauth", "-u", "alice:alice-pw", gateway.url + "/both/")
    assert status == 200, body


def test_python_requests_basic_and_digest(gateway):
    assert requests.get(gateway.url + "/basic/", auth=HTTPBasicAuth("alice", "alice-pw")).status_code == 200
    assert requests.get(gateway.url + "/basic/", auth=HTTPBasicAuth("alice", "nope")).status_code == 401
    assert requests.get(gateway.url + "/digest/", auth=HTTPDigestAuth("alice", "alice-pw")).status_code == 200
    assert requests.get(gateway.url + "/digest/", auth=HTTPDigestAuth("alice", "nope")).status_code == 401


def test_authenticated_but_not_allowed_is_403(gateway):
    assert requests.get(gateway.url + "/admin/", auth=("alice", "alice-pw")).status_code == 200
    response = requests.get(gateway.url + "/admin/", auth=("bob", "bob-pw"))
    assert response.status_code == 403 and "WWW-Authenticate" not in response.headers
    assert gateway.explain(response.headers["X-Request-Id"])["reason"] == "user-not-allowed"


from conftest import claims_for as claims


@pytest.mark.parametrize("token, reason", [
    (lambda: jwt(claims(exp=int(time.time()) - 600)), "token-expired"),
    (lambda: jwt(claims(nbf=int(time.time()) + 600)), "token-not-yet-valid"),
    (lambda: jwt(claims(aud="other")), "token-audience-mismatch"),
    (lambda: jwt(claims(iss="https://evil.test")), "token-issuer-mismatch"),
    (lambda: jwt(claims(), kid="k9"), "token-key-unknown"),
    (lambda: jwt(claims(), secret=OTHER_SECRET), "token-signature-invalid"),
    (lambda: jwt(claims(), alg="none"), "token-algorithm-mismatch"),
])
def test_refused_jwts_name_their_reason(gateway, token, reason):
    response = requests.get(gateway.url + "/api/", headers={"Authorization": "Bearer " + token()})
    assert response.status_code == 401
    bearer = [c for c in response.headers["WWW-Authenticate"].split(", Bearer")] if False else response.headers["WWW-Authenticate"]
    assert 'error="invalid_token"' in bearer and "error_description=" in bearer
    assert gateway.explain(response.headers["X-Request-Id"])["reason"] == reason


def test_valid_jwt_and_scope(gateway):
    status, _, body = curl("-H", "Authorization: Bearer " + jwt(claims()), gateway.url + "/api/data")
    assert status == 200 and json.loads(body)["headers"]["x-remote-user"] == "svc"
    response = requests.get(gateway.url + "/scoped/", headers={"Authorization": "Bearer " + jwt(claims())})
    assert response.status_code == 403
    assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]
    ok = requests.get(gateway.url + "/scoped/", headers={"Authorization": "Bearer " + jwt(claims(scope="read write"))})
    assert ok.status_code == 200


def test_a_scope_requirement_is_not_bypassed_by_a_password(gateway):
    response = requests.get(gateway.url + "/mixed/", auth=("alice", "alice-pw"))
    assert response.status_code == 403
    assert gateway.explain(response.headers["X-Request-Id"])["reason"] == "insufficient-scope"
    token = jwt(claims(scope="write"))
    assert requests.get(gateway.url + "/mixed/", headers={"Authorization": "Bearer " + token}).status_code == 200


def test_api_keys_valid_revoked_expired(gateway):
    created = gateway.cli("apikey", "create", "--user", "ci", "--scope", "read")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("ghk_")
    response = requests.get(gateway.url + "/api/", headers={"X-API-Key": key})
    assert response.status_code == 200 and response.json()["headers"]["x-remote-user"] == "ci"
    assert "x-api-key" not in response.json()["headers"]
    assert key.split("_")[2] not in gateway.cli("apikey", "list").stdout, "list never shows a secret"
    assert gateway.cli("apikey", "revoke", key.split("_")[1]).returncode == 0
    time.sleep(2.2)
    response = requests.get(gateway.url + "/api/", headers={"X-API-Key": key})
    assert response.status_code == 401
    assert gateway.explain(response.headers["X-Request-Id"])["reason"] == "api-key-revoked"
    short = gateway.cli("apikey", "create", "--user", "ci", "--expires", "1s").stdout.strip()
    time.sleep(1.2)
    response = requests.get(gateway.url + "/api/", headers={"X-API-Key": short})
    assert response.status_code == 401
    assert gateway.explain(response.headers["X-Request-Id"])["reason"] == "api-key-expired"


def test_cors_preflight_is_never_challenged(gateway):
    response = requests.options(gateway.url + "/api/x", headers={
        "Origin": "https://app.test", "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://app.test"
    assert "WWW-Authenticate" not in response.headers


@pytest.mark.parametrize("headers", [
    ["-H", "Authorization: Basic !!!notbase64"],
    ["-H", "Authorization: Basic " + "A" * 65536],
    ["-H", "Authorization: Digest username=\"alice\", realm=\"Exa"],
    ["-H", "Authorization: Basic YWxpY2U6YWxpY2UtcHc=", "-H", "Authorization: Basic YWxpY2U6YWxpY2UtcHc="],
    ["-H", "Authorization: Bearer a.b", "-H", "Authorization: Bearer c.d"],
    ["-H", "Authorization: Basic \xff\xfe"],
    ["-H", "Authorization: Bearer \"" + "x" * 20 + "\""],
])
def test_bad_input_is_400_or_401_never_500(gateway, headers):
    status, response_headers, body = curl(*headers, gateway.url + "/both/")
    assert status in (400, 401, 431), body
    if status != 431:
        assert json.loads(body)["detail"]


def test_metrics_count_decisions(gateway):
    curl(gateway.url + "/both/")
    text = requests.get(gateway.url + "/metrics").text
    assert 'gatehouse_decisions_total{outcome="unauthorized",reason="no-credentials",scheme="",route="/both/"}' in text
    assert "gatehouse_request_duration_seconds_bucket" in text


def test_access_log_is_json_lines(gateway):
    _, headers, _ = curl(gateway.url + "/basic/")
    request_id = values(headers, "X-Request-Id")[0]
    for _ in range(30):
        with open(gateway.folder + "/access.jsonl") as f:
            lines = [json.loads(line) for line in f if line.strip()]
        match = [line for line in lines if line["requestID"] == request_id]
        if match:
            assert match[0]["reason"] == "no-credentials" and match[0]["status"] == 401
            return
        time.sleep(0.1)
    raise AssertionError("no access log line")


def test_jwks_url_rotation_is_picked_up_on_an_unknown_kid(gateway):
    assert requests.get(gateway.url + "/rotating/", headers={"Authorization": "Bearer " + jwt(claims())}).status_code == 200
    rotated = "a rotated HMAC secret, thirty-two bytes or more"
    conftest.JWKS_DOCUMENT["keys"] = [{"kty": "oct", "kid": "k2", "alg": "HS256", "k": b64url(rotated.encode())}]
    try:
        fresh = requests.get(gateway.url + "/rotating/", headers={"Authorization": "Bearer " + jwt(claims(), secret=rotated, kid="k2")})
        assert fresh.status_code == 200, "an unknown kid makes the gateway fetch the JWKS again"
    finally:
        conftest.JWKS_DOCUMENT["keys"] = [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": b64url(SECRET.encode())}]


def test_explain_never_prints_control_characters_from_a_client(gateway):
    evil = "\x1b]0;pwned\x07\x1b[2Jroot"
    response = requests.get(gateway.url + "/basic/", auth=(evil, "x"))
    assert response.status_code == 401
    request_id = response.headers["X-Request-Id"]
    gateway.explain(request_id)  # waits for the record
    text = gateway.cli("explain", request_id).stdout
    assert "\x1b" not in text and "\x07" not in text
    assert "\\u{1b}" in text, "the user name is shown with its control characters escaped"


def test_help_page_and_problem_types(gateway):
    refused = requests.get(gateway.url + "/basic/", auth=("alice", "wrong"))
    problem = refused.json()
    assert problem["type"] == "/auth/help#invalid-credentials", "the public code, never which of user or password was wrong"
    unknown = requests.get(gateway.url + "/basic/", auth=("nobody-here", "wrong")).json()
    assert unknown["type"] == problem["type"] and unknown["detail"] == problem["detail"]
    page = requests.get(gateway.url + "/auth/help")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert 'id="invalid-credentials"' in page.text, "the problem type's anchor exists"
    assert "password-mismatch" not in page.text and "unknown-user" not in page.text, "the help page does not teach the difference"
    assert "curl --digest -u USER:PASSWORD" in page.text and "<code>/api/</code>" in page.text
