"""Fixtures for the end-to-end tests: the real `gatehouse` binary, real Apache htpasswd/htdigest files, curl, and
Python requests, all on 127.0.0.1. Each gateway gets its own folder, store and port."""
import base64, hashlib, hmac, json, os, pty, re, shutil, socket, subprocess, tempfile, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.abspath(os.environ.get("GATEHOUSE_BIN") or os.path.join(ROOT, ".build", "debug", "gatehouse"))
SECRET = "an HMAC secret of at least thirty-two bytes!"
OTHER_SECRET = "another HMAC secret, also thirty-two bytes long"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(claims, secret=SECRET, kid="k1", alg="HS256"):
    header = {"alg": alg, "typ": "JWT"}
    if kid:
        header["kid"] = kid
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    if alg == "none":
        return signing_input + "."
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def claims_for(**extra):
    """The claims of a token the test gateway's /api/ route accepts, with `extra` changed."""
    now = int(time.time())
    base = {"sub": "svc", "iss": "https://idp.test", "aud": "api", "iat": now, "exp": now + 300, "scope": "read"}
    base.update(extra)
    return base


class JSONHandler(BaseHTTPRequestHandler):
    """A quiet handler that answers with a JSON document."""

    def send_json(self, document, content_type="application/json"):
        body = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Echo(JSONHandler):
    """The upstream: answers every request with the headers it received."""

    def do_GET(self):
        self.send_json({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})

    do_POST = do_GET


JWKS_DOCUMENT = {"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": b64url(SECRET.encode())}]}


class JWKSServer(JSONHandler):
    """An identity provider's JWKS endpoint whose keys a test can rotate (JWKS_DOCUMENT)."""

    def do_GET(self):
        self.send_json(JWKS_DOCUMENT, "application/jwk-set+json")


def header_checking_app(name, expected, accepted=b"", refused=b""):
    """An application that checks one request header itself: 200 with `accepted` when it holds `expected`, else a
    bare 401 with `refused` (no challenge), as many APIs answer."""

    class App(BaseHTTPRequestHandler):
        def do_GET(self):
            ok = self.headers.get(name) == expected
            body = accepted if ok else refused
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return App


def serve(handler):
    """Runs `handler` on a free loopback port in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def jwks_url():
    for base in serve(JWKSServer):
        yield base + "/jwks"


@pytest.fixture(scope="session")
def upstream():
    yield from serve(Echo)


class Gateway:
    """A running `gatehouse serve` with its folder; `explain(id)` asks the same binary why."""

    def __init__(self, folder, config, port=0):
        self.folder = folder
        self.port = port
        self.config = os.path.join(folder, "gatehouse.yaml")
        with open(self.config, "w") as f:
            f.write(config)
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [BINARY, "serve", "--config", self.config, "--port", str(self.port)], cwd=self.folder,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            line = self.process.stdout.readline()
            match = re.search(r"listening on (https?://\S+?)/?$", line.strip())
            if match:
                self.url = match.group(1)
                return
            if self.process.poll() is not None:
                raise RuntimeError("gatehouse serve exited: " + self.process.stderr.read())
        raise RuntimeError("gatehouse serve did not start")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def cli(self, *args, input=None):
        return subprocess.run([BINARY, *args, "--config", self.config], cwd=self.folder, capture_output=True, text=True, input=input)

    def explain(self, request_id):
        """The audit record of a request, waiting for the batched writer (100 ms)."""
        for _ in range(50):
            result = self.cli("explain", request_id, "--json")
            if result.returncode != 2:
                return json.loads(result.stdout)
            time.sleep(0.1)
        raise AssertionError(f"no audit record for {request_id}: {result.stderr}")


def until(check, seconds=10):
    """Asks `check` every tenth of a second until it holds (True) or `seconds` have passed (False): for effects a
    gateway makes in the background, such as reading the shared bans, whose timing a loaded machine stretches."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def htpasswd(path, flags, user, password):
    subprocess.run(["htpasswd", "-b", *flags, path, user, password], check=True, capture_output=True)


def apache_htdigest(path, realm, user, password, create):
    """Apache's own `htdigest`, which reads the password from a terminal: driven through a pseudo-terminal."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp("htdigest", ["htdigest", *(["-c"] if create else []), path, realm, user])
    for _ in range(2):
        seen = b""
        while b"password:" not in seen.lower():
            seen += os.read(fd, 1024)
        os.write(fd, password.encode() + b"\n")
    try:
        while os.read(fd, 1024):
            pass
    except OSError:
        pass
    _, status = os.waitpid(pid, 0)
    assert status == 0, "htdigest failed"


@pytest.fixture(scope="session")
def folder():
    path = tempfile.mkdtemp(prefix="gatehouse-e2e-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


FORMATS = {"bcrypt": ["-B", "-C", "5"], "apr1": ["-m"], "sha1": ["-s"], "des": ["-d"], "sha256crypt": ["-2"], "sha512crypt": ["-5"]}


@pytest.fixture(scope="session")
def files(folder):
    users = os.path.join(folder, "users.htpasswd")
    open(users, "w").close()
    for name, flags in FORMATS.items():
        htpasswd(users, flags, f"user-{name}", f"pw-{name}")
    htpasswd(users, ["-B", "-C", "5"], "alice", "alice-pw")
    htpasswd(users, ["-B", "-C", "5"], "bob", "bob-pw")
    subprocess.run([BINARY, "htdigest", "-c", "-b", os.path.join(folder, "users.htdigest"), "Example", "alice", "alice-pw"], check=True, capture_output=True)
    # Apache's own htdigest writes the MD5 line only; it reads the password from the terminal, so feed it through script(1)-free stdin.
    apache = os.path.join(folder, "apache.htdigest")
    ha1 = hashlib.md5(b"carol:Example:carol-pw").hexdigest()
    with open(apache, "w") as f:
        f.write(f"carol:Example:{ha1}\n")
    with open(os.path.join(folder, "jwks.json"), "w") as f:
        json.dump({"keys": [{"kty": "oct", "kid": "k1", "alg": "HS256", "k": b64url(SECRET.encode())}]}, f)
    return folder


def config(upstream, jwks_url, lockout="{ failures: 0 }"):
    return f"""
listen: 127.0.0.1:0
store: sqlite:gatehouse.sqlite
upstream: {upstream}
realm: Example
lockout: {lockout}
metrics: {{ path: /metrics }}
access_log: access.jsonl
routes:
  - path: /basic/
    schemes: [basic]
    users: users.htpasswd
  - path: /digest/
    schemes: [digest]
    digest_users: users.htdigest
  - path: /stale/
    schemes: [digest]
    digest_users: users.htdigest
    digest_nonce_lifetime: 3s
  - path: /apache-digest/
    schemes: [digest]
    digest_users: apache.htdigest
    digest_algorithms: [MD5]
  - path: /both/
    schemes: [basic, digest]
    users: users.htpasswd
    digest_users: users.htdigest
  - path: /admin/
    schemes: [basic]
    users: users.htpasswd
    require: {{ users: [alice] }}
  - path: /api/
    schemes: [bearer, api_key]
    jwt: {{ jwks: jwks.json, audience: api, issuer: https://idp.test }}
    cors: {{ origins: [https://app.test] }}
  - path: /scoped/
    schemes: [bearer]
    jwt: {{ jwks: jwks.json, audience: api, issuer: https://idp.test }}
    require: {{ scope: write }}
  - path: /mixed/
    schemes: [basic, bearer]
    users: users.htpasswd
    jwt: {{ jwks: jwks.json, audience: api, issuer: https://idp.test }}
    require: {{ scope: write }}
  - path: /rotating/
    schemes: [bearer]
    jwt: {{ jwks_url: {jwks_url}, audience: api, refresh: 1h }}
  - path: /
    public: true
"""


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL server the tests share: GATEHOUSE_TEST_POSTGRES when scripts/test started one, else started
    here with scripts/test-postgres (which installs it when missing) and stopped at the end."""
    url = os.environ.get("GATEHOUSE_TEST_POSTGRES")
    if url:
        yield url
        return
    script = os.path.join(ROOT, "scripts", "test-postgres")
    url = subprocess.run([script, "start"], check=True, capture_output=True, text=True).stdout.strip()
    yield url
    subprocess.run([script, "stop"], capture_output=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A database of this test's own on the shared server."""
    name = "e2e_" + os.urandom(8).hex()
    subprocess.run(["psql", "-q", postgres_server, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    base, query = postgres_server.split("?", 1) if "?" in postgres_server else (postgres_server, "")
    yield base.rsplit("/", 1)[0] + "/" + name + ("?" + query if query else "")


class PrivateGateway:
    """A gateway of its own, in a copy of the shared files, for tests that change its state (lockouts, bans)."""

    def __init__(self, files, config_text, port=0):
        self.port = port
        self.folder = tempfile.mkdtemp(prefix="gatehouse-private-")
        for name in ("users.htpasswd", "users.htdigest", "apache.htdigest", "jwks.json"):
            shutil.copy(os.path.join(files, name), self.folder)
        self.config_text = config_text

    def __enter__(self):
        self.gateway = Gateway(self.folder, self.config_text, self.port)
        return self.gateway

    def __exit__(self, *exc):
        self.gateway.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def gateway(files, upstream, jwks_url):
    gw = Gateway(files, config(upstream, jwks_url))
    yield gw
    gw.stop()


def doctor(*args):
    """`gatehouse doctor --json ARGS`: the report, with its exit status and wall time added."""
    started = time.time()
    result = subprocess.run([BINARY, "doctor", "--json", *args], capture_output=True, text=True, timeout=30)
    report = json.loads(result.stdout)
    report["_exit"] = result.returncode
    report["_seconds"] = time.time() - started
    return report


def first_cause(report):
    causes = [f for f in report["findings"] if f["severity"] == "cause"]
    return causes[0]["id"] if causes else None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
APACHE_MODULES = "/usr/lib/apache2/modules"


def nginx_config(folder, http_block, error_log="error.log"):
    """An nginx.conf that keeps all its state in `folder` (one worker, temp paths there) around `http_block`."""
    return f"""
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/{error_log};
events {{ worker_connections 64; }}
http {{
    client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy; fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;
{http_block}
}}
"""


def apache_prologue(folder, ports, modules):
    """The lines every Apache started here begins with: its state in `folder`, loopback ports, the given modules."""
    listens = "\n".join(f"Listen 127.0.0.1:{port}" for port in ports)
    loads = "\n".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so" for m in modules)
    return (f"ServerRoot {folder}\nPidFile {folder}/httpd.pid\nDefaultRuntimeDir {folder}\nMutex file:{folder}\n"
            f"ServerName 127.0.0.1\n{listens}\n{loads}\nUser www-data\nGroup www-data\nErrorLog {folder}/error.log\n")


def apache_basic_site(folder):
    """Apache serving `folder`/www, with /basic/ behind Basic authentication on `folder`/users.htpasswd."""
    return f"""DocumentRoot {folder}/www
DirectoryIndex index.html
<Directory {folder}/www>
    Require all granted
</Directory>
<Location /basic/>
    AuthType Basic
    AuthName "apache"
    AuthUserFile {folder}/users.htpasswd
    Require valid-user
</Location>
"""


class Serving:
    """A server process started here and stopped by PID on exit, once `ready_url` answers."""

    def __init__(self, command, ready_url, env=None):
        self.command, self.ready_url, self.env = command, ready_url, env

    def __enter__(self):
        # Its own session: Apache's prefork parent signals its whole process group when it stops.
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=self.env, start_new_session=True)
        for _ in range(100):
            if subprocess.run(["curl", "-sk", "-o", "/dev/null", self.ready_url]).returncode == 0:   # -k: a test certificate
                return self
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError(f"{self.command[0]} did not answer at {self.ready_url}")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def caddy(folder, port, site):
    """A real Caddy (Debian's) on 127.0.0.1:`port` serving `site` (Caddyfile directives), with its state in
    `folder`; a context manager like `Serving`, ready once `/` answers."""
    with open(os.path.join(folder, "Caddyfile"), "w") as f:
        f.write(f"{{\n\tadmin off\n\tauto_https off\n\tstorage file_system {folder}/caddy-data\n}}\n"
                f"http://127.0.0.1:{port} {{\n{site}\n}}\n")
    environment = {**os.environ, "HOME": folder, "XDG_DATA_HOME": folder, "XDG_CONFIG_HOME": folder}
    command = ["caddy", "run", "--config", os.path.join(folder, "Caddyfile"), "--adapter", "caddyfile"]
    return Serving(command, f"http://127.0.0.1:{port}/", env=environment)


def caddy_basicauth(path, user, password):
    """Caddy 2.6's `basicauth` block for one user, hashed with bcrypt at a low cost so the tests stay quick."""
    hashed = subprocess.run(["htpasswd", "-nbB", "-C", "4", user, password], check=True, capture_output=True, text=True).stdout.strip().split(":", 1)[1]
    return f"\tbasicauth {path} {{\n\t\t{user} {hashed}\n\t}}"


CHROMIUM = "/usr/bin/chromium"


def chromium(*arguments):
    """Debian's headless Chromium driven by selenium through chromium-driver, with these extra arguments."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", *arguments):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)


_READ_CHARTS = """
const box = e => e.getBoundingClientRect();
const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
return [...document.querySelectorAll('figure.chart')].map(figure => {
  const svg = box(figure.querySelector('svg'));
  const axis = name => {
    const ticks = [...figure.querySelectorAll(`g.axis.${name} .tick text`)];
    const boxes = ticks.map(box);
    return {title: (figure.querySelector(`g.axis.${name} .axis-title`) || {}).textContent || '',
            ticks: ticks.map(t => t.textContent),
            overlapping: boxes.some((a, i) => boxes.slice(i + 1).some(b => overlap(a, b))),
            outside: boxes.some(b => b.left < svg.left - 1 || b.right > svg.right + 1)};
  };
  return {id: figure.id, caption: figure.querySelector('figcaption').textContent, x: axis('x'), y: axis('y'),
          legend: [...figure.querySelectorAll('ul.legend li')].map(l => l.textContent),
          bars: figure.querySelectorAll('g.bars rect').length,
          smallestText: Math.min(...[...figure.querySelectorAll('svg text')].map(t => box(t).height))};
});
"""


def read_charts(driver):
    """What a reader finds in each chart (`figure.chart`) of the page open in `driver`, measured by the browser as
    drawn: caption, axis titles, tick labels, legend, number of bars, the height of the smallest text, and whether two
    tick labels of an axis overlap or one sticks out of the chart."""
    return driver.execute_script(_READ_CHARTS)



@pytest.fixture
def server_folder():
    """A scratch folder that the servers' own users (www-data) can read, as the doctor checks files for them."""
    path = tempfile.mkdtemp(prefix="gatehouse-server-")
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def record_har(page_url, har, prepare=None):
    """Opens `page_url` in headless Chromium (Debian's, driven by Playwright), waits for the page to set
    `window.done`, and writes a HAR of the session to `har`, with what Chromium really sent that Playwright leaves
    out, taken from the DevTools protocol as Chrome's own export has it: the CORS preflights, and WebSocket
    handshakes (`_resourceType: websocket`). `prepare(page)` runs first."""
    from playwright.sync_api import sync_playwright
    preflights = {}
    sockets = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(record_har_path=har)
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Network.enable")
        if prepare:
            prepare(page)
        # Chromium reports a preflight as an OPTIONS request (initiator "preflight") whose response has type "Preflight".
        requests_seen = {}
        devtools.on("Network.requestWillBeSent", lambda e: requests_seen.setdefault(e["requestId"], e) if e["request"]["method"] == "OPTIONS" else None)
        devtools.on("Network.responseReceived", lambda e: preflights.setdefault(e["requestId"], {"request": requests_seen[e["requestId"]], "response": e})
                    if e.get("type") == "Preflight" and e["requestId"] in requests_seen else None)
        devtools.on("Network.webSocketCreated", lambda e: sockets.setdefault(e["requestId"], {}).update(url=e["url"]))
        devtools.on("Network.webSocketWillSendHandshakeRequest", lambda e: sockets.setdefault(e["requestId"], {}).update(request=e))
        devtools.on("Network.webSocketHandshakeResponseReceived", lambda e: sockets.get(e["requestId"], {}).update(response=e["response"]))
        devtools.on("Network.webSocketFrameError", lambda e: sockets.get(e["requestId"], {}).update(error=e["errorMessage"]))
        page.goto(page_url)
        page.wait_for_function("window.done === true", timeout=15000)
        time.sleep(0.3)
        context.close()
        browser.close()
    if preflights or sockets:
        with open(har) as f:
            document = json.load(f)
        for item in sockets.values():
            # A handshake the server refused has no response event, only the error Chromium reports (for a 401:
            # "HTTP Authentication failed; no valid credentials available"): status 0 and `_error`, as Chrome's
            # export writes a failed request.
            response = item.get("response") or {"status": 0, "headers": {}, "_error": item.get("error", "")}
            request = item.get("request")
            if request is None:
                continue
            document["log"]["entries"].append({
                "startedDateTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(request["wallTime"])), "time": 0,
                "_resourceType": "websocket", "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
                "request": {"method": "GET", "url": item.get("url", ""), "httpVersion": "HTTP/1.1",
                            "headers": [{"name": k, "value": v} for k, v in request["request"]["headers"].items()],
                            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
                "response": {"status": response.get("status", 0), "statusText": response.get("statusText", ""), "httpVersion": "HTTP/1.1",
                             **({"_error": response["_error"]} if "_error" in response else {}),
                             "headers": [{"name": k, "value": v} for k, v in response.get("headers", {}).items()],
                             "cookies": [], "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
            })
        for item in preflights.values():
            request, response = item["request"], item.get("response", {}).get("response", {})
            document["log"]["entries"].append({
                "startedDateTime": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(item["request"]["wallTime"])),
                "time": 0, "_resourceType": "preflight", "cache": {}, "timings": {"send": 0, "wait": 0, "receive": 0},
                "request": {"method": request["request"]["method"], "url": request["request"]["url"], "httpVersion": "HTTP/1.1",
                            "headers": [{"name": k, "value": v} for k, v in request["request"]["headers"].items()],
                            "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
                "response": {"status": response.get("status", 0), "statusText": response.get("statusText", ""), "httpVersion": "HTTP/1.1",
                             "headers": [{"name": k, "value": v} for k, v in response.get("headers", {}).items()],
                             "cookies": [], "content": {"size": 0, "mimeType": ""}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
            })
        with open(har, "w") as f:
            json.dump(document, f)
    return har

