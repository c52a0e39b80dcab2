"""`gatehouse doctor` on nginx `auth_request` set-ups: each claim is first shown on a real nginx in front of a real
auth service, then the doctor must say it from the configuration alone, at the line; the ready-made configuration of
docs/forward-auth/ is clean. The faults are those users report: the body dropped but its Content-Length kept (POSTs
time out; Authelia's and nginx's own examples clear it), the auth service's identity headers read and never passed
on, and `error_page 401 =302 $login` redirecting API clients."""
import json, os, subprocess
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import BINARY, NGINX, ROOT, Serving, free_port, nginx_config, serve

DOCS = os.path.join(ROOT, "docs", "forward-auth")


class BodyReadingAuth(BaseHTTPRequestHandler):
    """An auth service that reads the request body its Content-Length announces, as form-parsing frameworks do,
    then allows the request and names the user."""

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(200)
        self.send_header("Remote-User", "alice")
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = answer

    def log_message(self, *args):
        pass


class Echo(BaseHTTPRequestHandler):
    def answer(self):
        body = json.dumps({"remote-user": self.headers.get("Remote-User")}).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.answer()

    do_GET = answer

    def log_message(self, *args):
        pass


@pytest.fixture
def services():
    for auth in serve(BodyReadingAuth):
        for app in serve(Echo):
            yield auth, app


@pytest.fixture
def folder(server_folder):
    return server_folder


def site(folder, port, auth, app, auth_lines, protected_lines):
    text = (f"server {{ listen 127.0.0.1:{port};\n"
            f"  location = /verify {{ internal; proxy_pass {auth}/verify; proxy_read_timeout 2s;\n"
            + "".join(f"    {line}\n" for line in auth_lines) + "  }\n"
            f"  location / {{ auth_request /verify; proxy_pass {app};\n"
            + "".join(f"    {line}\n" for line in protected_lines) + "  }\n}\n")
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(nginx_config(folder, text))
    return os.path.join(folder, "nginx.conf")


def curl(*args):
    result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "--max-time", "10", *args], capture_output=True, text=True)
    return result.stdout


def doctor(config):
    result = subprocess.run([BINARY, "doctor", "--json", config], capture_output=True, text=True, timeout=30)
    return json.loads(result.stdout)["findings"]


def line_of(path, text):
    return next(n for n, line in enumerate(open(path), 1) if text in line)


@pytest.mark.parametrize("cleared", [False, True])
def test_a_kept_content_length_makes_posts_time_out(folder, services, cleared):
    auth, app = services
    port = free_port()
    auth_lines = ["proxy_pass_request_body off;", "proxy_set_header X-Original-URI $request_uri;"] + (['proxy_set_header Content-Length "";'] if cleared else [])
    config = site(folder, port, auth, app, auth_lines, ["auth_request_set $user $upstream_http_remote_user;", "proxy_set_header Remote-User $user;"])
    with Serving([NGINX, "-c", config, "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
        assert curl(f"http://127.0.0.1:{port}/").startswith("200")
        assert curl("-d", "a=1", f"http://127.0.0.1:{port}/").startswith("200" if cleared else "500"), "the POST waits for a body that never comes"
    named = [f for f in doctor(config) if "Content-Length" in f["title"]]
    assert bool(named) != cleared
    if named:
        assert named[0]["location"] == f"{config}:{line_of(config, 'proxy_pass_request_body off')}"


@pytest.mark.parametrize("passed", [False, True])
def test_identity_headers_read_and_not_passed_on(folder, services, passed):
    auth, app = services
    port = free_port()
    protected = ["auth_request_set $gatehouse_user $upstream_http_remote_user;"] + (["proxy_set_header Remote-User $gatehouse_user;"] if passed else [])
    config = site(folder, port, auth, app, ["proxy_pass_request_body off;", 'proxy_set_header Content-Length "";', "proxy_set_header X-Original-URI $request_uri;"], protected)
    with Serving([NGINX, "-c", config, "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
        seen = json.loads(subprocess.run(["curl", "-s", f"http://127.0.0.1:{port}/"], capture_output=True, text=True).stdout)
    assert seen["remote-user"] == ("alice" if passed else None)
    named = [f for f in doctor(config) if f["id"] == "forward-auth-headers-not-copied"]
    assert bool(named) != passed
    if named:
        assert named[0]["severity"] == "cause" and "Remote-User" in named[0]["fix"]


def test_error_page_401_redirects_api_clients(folder):
    """nginx's own behaviour with `error_page 401 =302 $login` when the auth service gave no login URL: a 302."""
    class Refusing(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="api"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    port = free_port()
    for auth in serve(Refusing):
        config = site(folder, port, auth, auth, ['proxy_set_header Content-Length "";', "proxy_pass_request_body off;", "proxy_set_header X-Original-URI $request_uri;"],
                      ["auth_request_set $login $upstream_http_location;", "error_page 401 =302 $login;"])
        with Serving([NGINX, "-c", config, "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
            assert curl("-H", "Accept: application/json", f"http://127.0.0.1:{port}/api").startswith("302"), "an API client gets a redirect"
    named = [f for f in doctor(config) if f["id"] == "login-redirect-for-api"]
    assert named and named[0]["location"] == f"{config}:{line_of(config, 'error_page 401')}"


def test_the_ready_made_configuration_is_clean(folder):
    with open(os.path.join(DOCS, "nginx.conf")) as f:
        text = f.read()
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(nginx_config(folder, text))
    check = subprocess.run([NGINX, "-t", "-c", f"{folder}/nginx.conf", "-p", f"{folder}/"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    findings = doctor(f"{folder}/nginx.conf")
    assert not [f for f in findings if f["id"] in ("config-error", "forward-auth-headers-not-copied", "login-redirect-for-api", "authorization-not-passed-to-app")], findings


def test_live_on_a_local_nginx_the_lost_identity_is_named(folder, services):
    """An application behind nginx auth_request that trusts the Remote-User header answers 401 when nginx reads the
    auth service's answer and never passes it on: from the wire alone a 401 without a challenge, named from the
    local nginx's configuration (the doctor reads it, as it runs on the same machine)."""
    class NeedsIdentity(BaseHTTPRequestHandler):
        def do_GET(self):
            ok = bool(self.headers.get("Remote-User"))
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    auth, _ = services
    port = free_port()
    for app in serve(NeedsIdentity):
        config = site(folder, port, auth, app, ["proxy_pass_request_body off;", 'proxy_set_header Content-Length "";', "proxy_set_header X-Original-URI $request_uri;"],
                      ["auth_request_set $gatehouse_user $upstream_http_remote_user;"])
        with Serving([NGINX, "-c", config, "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
            result = subprocess.run([BINARY, "doctor", "--json", "-u", "alice:alice-pw", f"http://127.0.0.1:{port}/reports"], capture_output=True, text=True, timeout=30)
    findings = json.loads(result.stdout)["findings"]
    causes = [f for f in findings if f["severity"] == "cause"]
    assert causes[0]["id"] == "forward-auth-headers-not-copied", causes
    assert causes[0]["location"] == f"{config}:{line_of(config, 'auth_request_set')}"
