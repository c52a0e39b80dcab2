"""Gatehouse as the authentication service of a real nginx (`auth_request`) and a real Caddy (`forward_auth`), each
started here on 127.0.0.1 from the very files docs/forward-auth/ gives users, in front of an application that echoes
the identity headers it got. Basic, Digest (curl's own) and a JWT get through with the identity; wrong credentials
get the 401 with its challenges; a ban is 429; a browser logs in through the session flow; what a client puts in the
forwarding headers changes nothing; `explain` names the reason of a refusal; and only a trusted proxy may ask."""
import json, os, re, shutil, subprocess, tempfile

import pytest

from conftest import (
    BINARY, NGINX, ROOT, PrivateGateway, Serving, chromium, claims_for, config, free_port, jwt, nginx_config, until,
)
from test_session import browser, log_in, text  # noqa: F401 (the browser fixture)

DOCS = os.path.join(ROOT, "docs", "forward-auth")
# A client that is not the proxy: its own loopback address, outside trusted_proxies.
STRANGER = "127.0.0.2"


def gateway_config(upstream, jwks_url):
    """The end-to-end gateway's routes (conftest.config), a session route, the server in front trusted, and a
    lockout after three failures."""
    return config(upstream, jwks_url, lockout="{ failures: 3, window: 10m, ban: 10m }").replace(
        "routes:\n", "trusted_proxies: [127.0.0.1/32]\nroutes:\n  - path: /app/\n    schemes: [session]\n    users: users.htpasswd\n", 1)


def host_port(url):
    return url.split("://", 1)[1].rstrip("/")


def curl(url, *args):
    """Status, headers (lowercase names, last value) and body of one curl request."""
    result = subprocess.run(["curl", "-s", "-i", *args, url], capture_output=True, timeout=20)
    head, _, body = result.stdout.partition(b"\r\n\r\n")
    while head.startswith(b"HTTP/1.1 401") and b"\r\n\r\nHTTP/" in result.stdout and b"--digest" in [a.encode() for a in args]:
        head, _, body = body.partition(b"\r\n\r\n")   # curl --digest prints the challenge first
    lines = head.decode(errors="replace").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(lines[0].split()[1]), headers, body.decode(errors="replace")


@pytest.fixture(scope="module")
def stack(files, upstream, jwks_url):
    """The gateway, then nginx and Caddy in front of it and of the echoing application."""
    folder = tempfile.mkdtemp(prefix="gatehouse-forward-")
    os.chmod(folder, 0o755)
    with PrivateGateway(files, gateway_config(upstream, jwks_url)) as gateway:
        nginx_port, caddy_port = free_port(), free_port()
        with open(os.path.join(DOCS, "nginx.conf")) as f:
            site = (f.read().replace("127.0.0.1:8080", host_port(gateway.url)).replace("127.0.0.1:9000", host_port(upstream))
                    .replace("listen 80;", f"listen 127.0.0.1:{nginx_port};"))
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(nginx_config(folder, site))
        with open(os.path.join(DOCS, "Caddyfile")) as f:
            caddy_site = (f.read().replace("127.0.0.1:8080", host_port(gateway.url)).replace("127.0.0.1:9000", host_port(upstream))
                          .replace("app.example.com {", f"http://127.0.0.1:{caddy_port} {{"))
        with open(os.path.join(folder, "Caddyfile"), "w") as f:
            f.write(f"{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {folder}/caddy-data\n}}\n" + caddy_site)
        environment = {**os.environ, "HOME": folder, "XDG_DATA_HOME": folder, "XDG_CONFIG_HOME": folder}
        nginx = Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{nginx_port}/")
        caddy = Serving(["caddy", "run", "--config", f"{folder}/Caddyfile", "--adapter", "caddyfile"], f"http://127.0.0.1:{caddy_port}/", env=environment)
        with nginx, caddy:
            yield {"gateway": gateway, "nginx": f"http://127.0.0.1:{nginx_port}", "caddy": f"http://127.0.0.1:{caddy_port}", "folder": folder}
    shutil.rmtree(folder, ignore_errors=True)


def echoed(body):
    return json.loads(body)["headers"]


@pytest.mark.parametrize("front", ["nginx", "caddy"])
def test_basic_digest_and_jwt_reach_the_upstream_with_the_identity(stack, front):
    base = stack[front]
    status, _, body = curl(base + "/basic/page", "-u", "alice:alice-pw")
    assert status == 200
    seen = echoed(body)
    assert seen["remote-user"] == "alice" and seen["remote-scheme"] == "basic"
    assert "authorization" not in seen, "the password does not travel on to the application"
    status, _, body = curl(base + "/digest/page?x=1", "--digest", "-u", "alice:alice-pw")
    assert status == 200 and echoed(body)["remote-user"] == "alice", "curl's Digest signs the URI the gateway is told"
    token = jwt(claims_for(sub="svc-reporting", aud="api", iss="https://idp.test"))
    status, _, body = curl(base + "/api/items", "-H", f"Authorization: Bearer {token}")
    assert status == 200 and echoed(body)["remote-user"] == "svc-reporting" and echoed(body)["remote-scheme"] == "bearer"
    status, _, body = curl(base + "/")
    # A public page: no identity. nginx leaves out a header set to an empty value; Caddy would copy a header the
    # gateway left out as its placeholder's text, so every identity header is sent, empty.
    assert status == 200 and echoed(body).get("remote-user", "") == "", echoed(body)


@pytest.mark.parametrize("front", ["nginx", "caddy"])
def test_a_refusal_carries_its_challenges_through_the_server(stack, front):
    base = stack[front]
    status, headers, _ = curl(base + "/basic/page")
    assert status == 401 and any(value.startswith("Basic realm=") for value in headers["www-authenticate"])
    status, headers, _ = curl(base + "/digest/page")
    challenge = ", ".join(headers["www-authenticate"])
    assert status == 401 and "Digest" in challenge and "algorithm=SHA-256" in challenge and "algorithm=MD5" in challenge, \
        "both Digest challenges reach the client (through nginx in one field)"
    assert headers["cache-control"] == ["no-store"] if front == "caddy" else True


def test_explain_names_the_reason_of_a_refusal_through_nginx(stack):
    gateway = stack["gateway"]
    _, headers, _ = curl(stack["nginx"] + "/basic/page", "-u", "bob:not-bobs")
    request_id = headers["x-request-id"][0]
    record = gateway.explain(request_id)
    assert record["reason"] == "password-mismatch" and record["path"] == "/basic/page" and record["method"] == "GET"
    assert record["host"] == stack["nginx"].split("://")[1], "the host the client asked nginx for"


def test_metrics_and_the_access_log_count_forward_auth_as_proxied_traffic(stack):
    gateway = stack["gateway"]
    def refusals():
        text = subprocess.run(["curl", "-s", gateway.url + "/metrics"], capture_output=True, text=True).stdout
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith("gatehouse_decisions_total{") and 'reason="unknown-user"' in line and 'route="/basic/"' in line)
    before = refusals()
    # From three addresses and as three users, so that the shared gateway's lockout (3 failures) bans nobody.
    for number in range(3):
        curl(stack["caddy"] + "/basic/metered", "--interface", f"127.0.0.{3 + number}", "-u", f"nobody-{number}:x")
    assert until(lambda: refusals() == before + 3), "each question is counted under the original's route and reason"
    def metered():
        return [record for record in map(json.loads, open(os.path.join(gateway.folder, "access.jsonl"))) if record["path"] == "/basic/metered"]
    assert until(lambda: len(metered()) == 3), "the access log is written in batches"
    assert all(record["reason"] == "unknown-user" and record["host"] == stack["caddy"].split("://")[1] for record in metered())
    report = json.loads(subprocess.run([BINARY, "logs", "--json", os.path.join(gateway.folder, "access.jsonl")], capture_output=True, text=True).stdout)
    assert "/basic/metered" in json.dumps(report), "gatehouse logs reads the forward-auth records as any others"


@pytest.mark.parametrize("front", ["nginx", "caddy"])
def test_forged_forwarding_headers_change_nothing(stack, front):
    base = stack[front]
    forged = ["-H", "X-Original-URI: /", "-H", "X-Original-URL: http://x/", "-H", "X-Forwarded-Uri: /", "-H", "X-Forwarded-Method: OPTIONS",
              "-H", "X-Forwarded-For: 203.0.113.9", "-H", "Remote-User: alice"]
    status, _, _ = curl(base + "/basic/page", "--interface", STRANGER, *forged)
    assert status == 401, "the protected path stays protected whatever the client says it asked for"
    status, _, body = curl(base + "/basic/page", "--interface", STRANGER, "-u", "bob:bob-pw", *forged)
    assert status == 200 and echoed(body)["remote-user"] == "bob", "the identity is the gateway's, not the client's header"


def test_only_a_trusted_proxy_may_ask(stack):
    gateway = stack["gateway"]
    for endpoint in ("/auth/verify", "/auth/forward", "/auth/ext-authz/basic/page"):
        status, headers, _ = curl(gateway.url + endpoint, "--interface", STRANGER, "-u", "alice:alice-pw",
                                  "-H", "X-Original-URI: /basic/page", "-H", "X-Forwarded-Uri: /basic/page")
        assert status == 403, endpoint
        assert gateway.explain(headers["x-request-id"][0])["reason"] == "forward-auth-untrusted"


def test_ext_authz_answers_for_the_path_after_its_prefix(stack):
    gateway = stack["gateway"]
    status, headers, _ = curl(gateway.url + "/auth/ext-authz/basic/page", "-u", "alice:alice-pw")
    assert status == 200 and headers["remote-user"] == ["alice"]
    status, headers, _ = curl(gateway.url + "/auth/ext-authz/basic/../basic/%2e%2e/app/x", "-X", "POST")
    assert status in (401, 400), "the path is made canonical before a route is chosen"
    status, _, _ = curl(gateway.url + "/auth/verify", "-u", "alice:alice-pw")
    assert status == 400, "a question that names no original request is refused"


def test_a_browser_logs_in_through_nginx_and_reaches_the_upstream(stack, browser):  # noqa: F811
    base = stack["nginx"]
    log_in(browser, base)
    assert browser.current_url == base + "/app/report?q=1"
    seen = json.loads(text(browser))["headers"]
    assert seen["remote-user"] == "alice" and seen["remote-scheme"] == "session"


@pytest.mark.parametrize("front", ["nginx", "caddy"])
def test_api_clients_on_a_session_route_get_401_not_the_login_page(stack, front):
    base = stack[front]
    status, headers, _ = curl(base + "/app/data", "-H", "Accept: text/html", "-H", "X-Requested-With: XMLHttpRequest")
    assert status == 401 and "location" not in headers
    status, headers, _ = curl(base + "/app/data", "-H", "Accept: application/json")
    assert status == 401 and "location" not in headers
    status, headers, _ = curl(base + "/app/report", "-H", "Accept: text/html")
    assert status in (302, 303) and re.sub(r"^http://[^/]+", "", headers["location"][0]).startswith("/auth/login?next=/app/report"), \
        "a browser's page load goes to the login page (nginx makes the Location absolute)"


@pytest.mark.parametrize("front", ["nginx", "caddy"])
def test_a_ban_is_429_through_the_server(files, upstream, jwks_url, front):
    """A gateway of its own: the three failures ban the address of the client the server names."""
    folder = tempfile.mkdtemp(prefix="gatehouse-forward-ban-")
    os.chmod(folder, 0o755)
    with PrivateGateway(files, gateway_config(upstream, jwks_url)) as gateway:
        port = free_port()
        if front == "nginx":
            with open(os.path.join(DOCS, "nginx.conf")) as f:
                site = f.read().replace("127.0.0.1:8080", host_port(gateway.url)).replace("127.0.0.1:9000", host_port(upstream)).replace("listen 80;", f"listen 127.0.0.1:{port};")
            with open(os.path.join(folder, "nginx.conf"), "w") as f:
                f.write(nginx_config(folder, site))
            server = Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/")
        else:
            with open(os.path.join(DOCS, "Caddyfile")) as f:
                site = f.read().replace("127.0.0.1:8080", host_port(gateway.url)).replace("127.0.0.1:9000", host_port(upstream)).replace("app.example.com {", f"http://127.0.0.1:{port} {{")
            with open(os.path.join(folder, "Caddyfile"), "w") as f:
                f.write(f"{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {folder}/caddy-data\n}}\n" + site)
            environment = {**os.environ, "HOME": folder, "XDG_DATA_HOME": folder, "XDG_CONFIG_HOME": folder}
            server = Serving(["caddy", "run", "--config", f"{folder}/Caddyfile", "--adapter", "caddyfile"], f"http://127.0.0.1:{port}/", env=environment)
        with server:
            base = f"http://127.0.0.1:{port}"
            for _ in range(3):
                assert curl(base + "/basic/page", "--interface", STRANGER, "-u", "alice:wrong")[0] == 401
            status, headers, _ = curl(base + "/basic/page", "--interface", STRANGER, "-u", "alice:alice-pw")
            assert status == 429 and int(headers["retry-after"][0]) > 0
            assert curl(base + "/basic/page", "-u", "bob:bob-pw")[0] == 200, "the ban is on the client's address, not the proxy's"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def resolving_browser():
    """Headless Chromium that resolves every *.example.test name to 127.0.0.1, so that two hosts share a domain."""
    driver = chromium("--host-resolver-rules=MAP *.example.test 127.0.0.1")
    yield driver
    driver.quit()


def test_one_login_at_the_auth_host_covers_the_app_host(files, upstream, jwks_url, resolving_browser):
    """`cookie_domain: example.test` and a login page on auth.example.test: a browser asking app.example.test is sent
    there with the whole URL to return to, logs in once, and comes back with a session cookie both hosts get. A
    return URL on a host outside the domain is not followed."""
    port = free_port()
    login = f"http://auth.example.test:{port}/auth/login"
    gateway_yaml = gateway_config(upstream, jwks_url).replace("    schemes: [session]\n", "    schemes: [session]\n    session: { cookie_domain: example.test }\n")
    gateway_yaml = gateway_yaml.replace("routes:\n", f"forward_auth: {{ login_url: '{login}' }}\nroutes:\n", 1)
    folder = tempfile.mkdtemp(prefix="gatehouse-forward-hosts-")
    os.chmod(folder, 0o755)
    with PrivateGateway(files, gateway_yaml) as gateway:
        with open(os.path.join(DOCS, "nginx.conf")) as f:
            app_site = f.read().replace("127.0.0.1:8080", host_port(gateway.url)).replace("127.0.0.1:9000", host_port(upstream))
        app_site = app_site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace("server_name app.example.com;", "server_name app.example.test;")
        auth_site = (f"server {{ listen 127.0.0.1:{port}; server_name auth.example.test;\n"
                     f"  location / {{ proxy_pass {gateway.url}; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for; }} }}\n")
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(nginx_config(folder, app_site + auth_site))
        with Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
            driver = resolving_browser
            log_in(driver, f"http://app.example.test:{port}")
            assert driver.current_url == f"http://app.example.test:{port}/app/report?q=1", "back on the app host, at the page wanted"
            seen = json.loads(text(driver))["headers"]
            assert seen["remote-user"] == "alice" and seen["remote-scheme"] == "session"
            cookie = driver.get_cookie("gatehouse-session")
            assert cookie["domain"] in (".example.test", "example.test") and cookie["httpOnly"]
            driver.get(f"{login}?next=http://evil.test:{port}/steal")
            from selenium.webdriver.common.by import By
            assert driver.find_element(By.NAME, "next").get_attribute("value") == "/", "a return URL outside the domain is dropped"
    shutil.rmtree(folder, ignore_errors=True)
