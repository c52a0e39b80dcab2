"""`gatehouse doctor URL` against real servers started here: nginx, Caddy and the Gatehouse gateway (Apache and a Python
JWT application have their own files). The first finding
must carry the cause id of CAUSES.md; a working set-up must give no cause and exit 0."""
import hashlib, json, os, re, shutil, socket, subprocess, tempfile, time

import pytest
import requests

from conftest import BINARY, NGINX, PrivateGateway, caddy, caddy_basicauth, claims_for, config, doctor, first_cause, free_port, jwt, nginx_config



@pytest.fixture(scope="module")
def nginx(files):
    folder = tempfile.mkdtemp(prefix="gatehouse-nginx-")
    os.chmod(folder, 0o755)
    shutil.copy(os.path.join(files, "users.htpasswd"), folder)
    os.chmod(os.path.join(folder, "users.htpasswd"), 0o644)
    os.makedirs(os.path.join(folder, "www", "basic"))
    with open(os.path.join(folder, "www", "basic", "index.html"), "w") as f:
        f.write("ok\n")
    for path in (os.path.join(folder, "www"), os.path.join(folder, "www", "basic")):
        os.chmod(path, 0o755)
    # A second instance that was never given alice's new password: the pool behind /pool/ disagrees by turns.
    subprocess.run(["htpasswd", "-c", "-b", "-B", "-C", "5", os.path.join(folder, "old.htpasswd"), "alice", "old-pw"], check=True, capture_output=True)
    os.chmod(os.path.join(folder, "old.htpasswd"), 0o644)
    main, other, stale = free_port(), free_port(), free_port()
    conf = nginx_config(folder, f"""
    access_log {folder}/access.log;
    proxy_cache_path {folder}/cache keys_zone=auth:1m;
    root {folder}/www;
    upstream pool {{ server 127.0.0.1:{other}; server 127.0.0.1:{stale}; }}
    server {{
        listen 127.0.0.1:{main};
        location /pool/ {{ proxy_pass http://pool/basic/; }}
        location /lost-file/ {{ auth_basic "nginx"; auth_basic_user_file {folder}/no-such.htpasswd; }}
        location /basic/ {{ auth_basic "nginx"; auth_basic_user_file {folder}/users.htpasswd; }}
        location /bare-401/ {{ return 401; }}
        location /moved/ {{ return 301 http://127.0.0.1:{other}/basic/; }}
        location /loop/ {{ return 302 /loop/; }}
        location /keyed/ {{
            if ($http_x_api_key != "k3y") {{ return 401; }}
            return 200 "ok";
        }}
        location /app-api/ {{ return 302 /login?next=$uri; }}
        location = /login {{ default_type text/html; return 200 '<form method=post><input type=password name=password></form>'; }}
        location /cached/ {{
            proxy_pass http://127.0.0.1:{main}/basic/;
            proxy_cache auth;
            proxy_cache_valid 401 10m;
            add_header X-Cache $upstream_cache_status always;
        }}
    }}
    server {{
        listen 127.0.0.1:{other};
        add_header X-Served-By {other} always;
        location /basic/ {{ auth_basic "nginx"; auth_basic_user_file {folder}/users.htpasswd; }}
    }}
    server {{
        listen 127.0.0.1:{stale};
        add_header X-Served-By {stale} always;
        location /basic/ {{ auth_basic "nginx"; auth_basic_user_file {folder}/old.htpasswd; }}
    }}""")
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(conf)
    process = subprocess.Popen([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(50):
        try:
            requests.get(f"http://127.0.0.1:{main}/basic/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{main}"
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def test_nginx_auth_basic(nginx):
    report = doctor(nginx + "/basic/")
    assert first_cause(report) == "no-credentials-sent" and report["_exit"] == 1
    assert first_cause(doctor("-u", "alice:wrong", nginx + "/basic/")) == "credentials-rejected"
    working = doctor("-u", "alice:alice-pw", nginx + "/basic/")
    assert first_cause(working) is None and working["_exit"] == 0 and working["outcome"] == "authorized"


def test_a_pasted_curl_command(nginx):
    result = subprocess.run([BINARY, "doctor", "--json", "--", "curl", "-sS", "-u", "alice:wrong", nginx + "/basic/"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert first_cause(json.loads(result.stdout)) == "credentials-rejected"
    # The same command as one string, as a browser's "Copy as cURL" gives it (quotes and continued lines).
    pasted = f"curl '{nginx}/basic/' \\\n  -H 'Accept: text/html' \\\n  -u 'alice:wrong' --compressed"
    result = subprocess.run([BINARY, "doctor", "--json", "--", pasted], capture_output=True, text=True, timeout=30)
    assert result.returncode == 1 and first_cause(json.loads(result.stdout)) == "credentials-rejected"


def test_caddy_basicauth(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with caddy(str(tmp_path), port, caddy_basicauth("/private/*", "alice", "alice-pw") + '\n\trespond "hello"'):
        assert first_cause(doctor(base + "/private/x")) == "no-credentials-sent"
        assert first_cause(doctor("-u", "alice:wrong", base + "/private/x")) == "credentials-rejected"
        assert first_cause(doctor("--oauth2-bearer", "some.opaque.token", base + "/private/x")) == "scheme-mismatch"
        working = doctor("-u", "alice:alice-pw", base + "/private/x")
        assert working["outcome"] == "authorized" and first_cause(working) is None and working["_exit"] == 0


def test_nginx_return_401_without_challenge(nginx):
    assert first_cause(doctor("-u", "alice:alice-pw", nginx + "/bare-401/")) == "missing-www-authenticate"


def test_nginx_redirect_to_another_port_drops_the_credential(nginx):
    report = doctor("-L", "-u", "alice:alice-pw", nginx + "/moved/")
    assert first_cause(report) == "redirect-dropped-credentials"
    resent = [e for e in report["exchanges"] if e["purpose"] == "resend-after-redirect"]
    assert resent and resent[0]["status"] == 200, "the doctor proved the credential works at the target"
    assert "alice-pw" not in json.dumps(report), "the password never appears in a report"
    hop = [e for e in report["exchanges"] if e["purpose"] == "redirect"][0]
    assert hop["credential_on_redirect"] == "curl: dropped, browsers: dropped, python-requests: dropped"


def test_an_endless_redirect_ends_within_the_bound(nginx):
    report = doctor("-L", "-u", "alice:alice-pw", nginx + "/loop/")
    assert report["outcome"] == "redirect" and report["_exit"] == 1
    assert len([e for e in report["exchanges"] if e["purpose"] in ("request", "redirect")]) == 10
    assert report["_seconds"] < 15, "a redirect loop ends at the hop limit, not in a hang"


def test_nginx_drops_a_key_header_with_underscores(nginx):
    report = doctor("-H", "X_API_KEY: k3y", nginx + "/keyed/")
    assert first_cause(report) == "underscore-header-dropped"
    assert "X-API-KEY: …" in report["findings"][0]["corrected_request"] and "k3y" not in json.dumps(report)
    assert first_cause(doctor("-H", "X-API-Key: k3y", nginx + "/keyed/")) is None, "with dashes the key arrives"


def test_an_api_request_sent_to_a_login_page(nginx):
    report = doctor("-L", nginx + "/app-api/items")
    assert first_cause(report) == "login-redirect-for-api" and report["outcome"] == "login-page" and report["_exit"] == 1
    assert first_cause(doctor(nginx + "/app-api/items")) == "login-redirect-for-api", "also when the redirect is not followed"


def test_nginx_password_file_missing(nginx):
    report = doctor("-u", "alice:alice-pw", nginx + "/lost-file/")
    assert report["outcome"] == "forbidden", "nginx answers 403 when auth_basic_user_file is missing"
    assert first_cause(report) == "password-file-error"


def test_nginx_instances_that_disagree(nginx):
    report = doctor("-u", "alice:alice-pw", nginx + "/pool/")
    assert first_cause(report) == "inconsistent-across-instances"
    assert any("X-Served-By differs" in line for line in report["findings"][0]["evidence"])


def test_nginx_cached_401(nginx):
    requests.get(nginx + "/cached/")
    requests.get(nginx + "/cached/")
    assert first_cause(doctor("-u", "alice:alice-pw", nginx + "/cached/")) == "cached-401"


@pytest.mark.parametrize("token, cause", [
    (lambda: jwt(claims_for(exp=int(time.time()) - 600)), "token-expired"),
    (lambda: jwt(claims_for(nbf=int(time.time()) + 600)), "token-not-yet-valid"),
    (lambda: jwt(claims_for(aud="other")), "token-audience-mismatch"),
    (lambda: '"' + jwt(claims_for()) + '"', "credential-has-whitespace"),
])
def test_gateway_token_causes(gateway, token, cause):
    assert first_cause(doctor("-H", "Authorization: Bearer " + token(), gateway.url + "/api/")) == cause


def test_gateway_scheme_mismatch_is_proved_with_digest(gateway):
    report = doctor("-u", "alice:alice-pw", gateway.url + "/digest/")
    assert first_cause(report) == "scheme-mismatch"
    assert "--digest" in report["findings"][0]["corrected_request"]
    working = doctor("--digest", "-u", "alice:alice-pw", gateway.url + "/digest/")
    assert working["outcome"] == "authorized" and first_cause(working) is None
    assert "first-challenge" in [f["id"] for f in working["findings"]], "the handshake's 401 is named as normal"


def test_gateway_wrong_password(gateway):
    report = doctor("-u", "alice:wrong", gateway.url + "/basic/")
    assert first_cause(report) == "credentials-rejected"
    assert "gatehouse explain" in report["findings"][0]["fix"], "the fix points at the gateway's own audit trail"


def test_gateway_working_token(gateway):
    report = doctor("--oauth2-bearer", jwt(claims_for()), gateway.url + "/api/")
    assert report["outcome"] == "authorized" and report["_exit"] == 0


def test_unreachable_and_silent_servers_end_in_time():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        report = doctor(f"http://127.0.0.1:{silent.getsockname()[1]}/")
        assert report["outcome"] == "error" and report["_seconds"] < 10
    finally:
        silent.close()
    closed = free_port()
    report = doctor(f"http://127.0.0.1:{closed}/")
    assert report["outcome"] == "error" and "refused" in report["exchanges"][0]["error"]


def digest_authorization(response, user, password, method, uri):
    """The Digest response (RFC 7616 §3.4) to the MD5 challenge of `response`, computed here, not by the doctor."""
    challenges = response.raw.headers.getlist("WWW-Authenticate")
    md5 = next(c for c in challenges if "algorithm=MD5" in c)
    params = {k: v1 or v2 for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]+))', md5)}
    ha1 = hashlib.md5(f"{user}:{params['realm']}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{uri}".encode()).hexdigest()
    cnonce, nc = "0a4f113b", "00000001"
    answer = hashlib.md5(f"{ha1}:{params['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
    return (f'Digest username="{user}", realm="{params["realm"]}", nonce="{params["nonce"]}", uri="{uri}", '
            f'algorithm=MD5, response="{answer}", qop=auth, nc={nc}, cnonce="{cnonce}", opaque="{params["opaque"]}"')


def test_gateway_stale_nonce(gateway):
    challenge = requests.get(gateway.url + "/stale/")
    header = digest_authorization(challenge, "alice", "alice-pw", "GET", "/stale/")
    time.sleep(3.5)  # the route's digest_nonce_lifetime is 3s: long enough that the working handshake below never goes stale on a busy machine
    report = doctor("-H", "Authorization: " + header, gateway.url + "/stale/")
    assert first_cause(report) == "digest-stale-nonce"
    working = doctor("--digest", "-u", "alice:alice-pw", gateway.url + "/stale/")
    assert working["outcome"] == "authorized" and first_cause(working) is None


def test_gateway_lockout(files, upstream, jwks_url):
    with PrivateGateway(files, config(upstream, jwks_url, lockout="{ failures: 3, window: 10m, ban: 10m }")) as locked:
        for attempt in range(3):
            requests.get(locked.url + "/basic/", auth=("alice", f"guess-{attempt}"))
        report = doctor("-u", "alice:alice-pw", locked.url + "/basic/")
        assert report["outcome"] == "rate-limited"
        assert first_cause(report) == "rate-limited"
