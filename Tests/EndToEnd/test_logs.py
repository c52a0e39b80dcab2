"""`gatehouse logs` on logs written by real nginx, Apache and Caddy serving real traffic with 401s, sent here with curl
from several loopback addresses. Every count in the report must equal the ground truth computed from the traffic
this test sent; the error logs' reasons must match the failures sent; brute force and credential stuffing are named.
Corrupt input (truncated gzip, binary garbage, 1 MB lines) is reported by offset and the rest still counted."""
import gzip, json, os, re, shutil, subprocess, tempfile, time

import requests

from conftest import (APACHE, BINARY, NGINX, PrivateGateway, Serving, apache_basic_site, apache_prologue, caddy, caddy_basicauth, chromium, config,
                      free_port, nginx_config, read_charts)


def curl(*args):
    subprocess.run(["curl", "-s", "-o", "/dev/null", *args], check=True)


def traffic(base):
    """Sends the same mix to a server; returns the ground truth of what it must log."""
    protected, forbidden, public = base + "/basic/", base + "/forbidden/", base + "/public.html"
    truth = {"401": 0, "403": 0, "200": 0, "challenges": 0, "refused": 0, "password-mismatch": 0, "unknown-user": 0,
             "clients": {}, "users": {}}

    def sent(client, status, user=None, count=1, reason=None):
        truth[str(status)] += count
        if status in (401, 403):
            truth["clients"][client] = truth["clients"].get(client, 0) + count
            if user:
                truth["users"][user] = truth["users"].get(user, 0) + count
        if status == 401:
            truth["refused" if user else "challenges"] += count
        if reason:
            truth[reason] += count

    curl("--interface", "127.0.0.1", *[protected] * 5)                                  # browsers' first challenge
    sent("127.0.0.1", 401, count=5)
    curl("--interface", "127.0.0.1", "-u", "alice:alice-pw", *[protected] * 7)         # working logins
    sent("127.0.0.1", 200, count=7)
    curl("--interface", "127.0.0.2", "-u", "bob:typo", *[protected] * 3)               # a forgotten password
    sent("127.0.0.2", 401, "bob", count=3, reason="password-mismatch")
    curl("--interface", "127.0.0.3", "-u", "alice:guess", *[protected] * 25)           # brute force
    sent("127.0.0.3", 401, "alice", count=25, reason="password-mismatch")
    stuffing = []
    for index in range(12):                                                              # credential stuffing
        stuffing += (["--next"] if index else []) + ["--interface", "127.0.0.4", "-u", f"leaked{index}:pw{index}", protected]
        sent("127.0.0.4", 401, f"leaked{index}", reason="unknown-user")
    curl(*stuffing)
    curl("--interface", "127.0.0.5", *[forbidden] * 4)                                  # refused by configuration
    sent("127.0.0.5", 403, count=4)
    curl("--interface", "127.0.0.1", *[public] * 6)
    sent("127.0.0.1", 200, count=6)
    return truth


def check(report, truth):
    assert report["status"]["401"] == truth["401"]
    assert report["status"]["403"] == truth["403"]
    assert report["statuses"]["200"] == truth["200"]
    assert report["requests"] == truth["401"] + truth["403"] + truth["200"]
    assert report["unauthorized"] == {"challenges": truth["challenges"], "handshake_legs": 0, "refused_credentials": truth["refused"], "other": 0}
    assert {c["key"]: c["count"] for c in report["top"]["clients"]} == truth["clients"]
    top_users = {u["key"]: u["count"] for u in report["top"]["users"]}
    assert top_users["alice"] == truth["users"]["alice"] and top_users["bob"] == truth["users"]["bob"]
    reasons = {r["id"]: r["count"] for r in report["reasons"]}
    assert reasons.get("password-mismatch") == truth["password-mismatch"]
    assert reasons.get("unknown-user") == truth["unknown-user"]
    attacks = {(a["id"], a["client"]) for a in report["attacks"]}
    assert ("brute-force", "127.0.0.3") in attacks and ("credential-stuffing", "127.0.0.4") in attacks
    assert not any(client == "127.0.0.2" for _, client in attacks), "three typos are not an attack"
    assert report["unreadable"] == 0


def logs(*files, layout=None):
    result = subprocess.run([BINARY, "logs", "--json", *files] + (["--log-format", layout] if layout else []), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def site(files):
    folder = tempfile.mkdtemp(prefix="gatehouse-logs-")
    for path in ("www/basic", "www/forbidden"):
        os.makedirs(os.path.join(folder, path))
    for page in ("www/basic/index.html", "www/forbidden/index.html", "www/public.html"):
        with open(os.path.join(folder, page), "w") as f:
            f.write("ok\n")
    shutil.copy(os.path.join(files, "users.htpasswd"), folder)
    for root, _, names in os.walk(folder):
        os.chmod(root, 0o755)
        for name in names:
            os.chmod(os.path.join(root, name), 0o644)
    return folder


def record(command, url, folder, settle=0.0):
    """Runs the traffic against a server started here; its access logs hold only this traffic."""
    with Serving(command, url + "/public.html"):
        time.sleep(settle)
        for name in ("access.log", "custom.log"):
            open(os.path.join(folder, name), "w").close()
        truth = traffic(url)
        time.sleep(settle)  # Apache writes its logs through buffers
    return truth


def check_custom(folder, report, layout):
    """The second access log, in a custom layout, must give the same counts as the combined one."""
    custom = logs(os.path.join(folder, "custom.log"), layout=layout)
    assert custom["status"] == report["status"] and custom["unauthorized"] == report["unauthorized"]
    assert custom["top"]["clients"] == report["top"]["clients"] and custom["unreadable"] == 0


def test_nginx_access_and_error_logs(files):
    folder = site(files)
    port = free_port()
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(nginx_config(folder, f"""
    access_log {folder}/access.log combined;
    log_format custom '$time_iso8601|$remote_addr|$remote_user|$status|$request|$http_user_agent';
    access_log {folder}/custom.log custom;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        location /basic/ {{ auth_basic "nginx"; auth_basic_user_file {folder}/users.htpasswd; }}
        location /forbidden/ {{ deny all; }}
    }}""", error_log="error.log info"))
    truth = record([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}", folder)
    report = logs(os.path.join(folder, "access.log"), os.path.join(folder, "error.log"))
    check(report, truth)
    assert [f["format"] for f in report["files"]] == ["combined", "nginx-error"]
    check_custom(folder, report, "$time_iso8601|$remote_addr|$remote_user|$status|$request|$http_user_agent")
    check_html_report(folder, report)
    shutil.rmtree(folder, ignore_errors=True)


def check_html_report(folder, report):
    """`gatehouse logs --html` opened in headless Chromium: the timeline has both axes titled and ticked, its legend,
    and as many 401s in its bars' tooltips as the report counts; the page needs no script and nothing from elsewhere."""
    page = os.path.join(folder, "report.html")
    subprocess.run([BINARY, "logs", "--html", page, os.path.join(folder, "access.log"), os.path.join(folder, "error.log")], check=True, capture_output=True, timeout=60)
    html = open(page).read()
    assert "<script" not in html.lower() and "//" not in "".join(re.findall(r'(?:src|href)="([^"]*)"', html))
    browser = chromium("--window-size=1000,900")
    try:
        browser.get("file://" + page)
        (timeline,) = read_charts(browser)
        assert timeline["x"]["title"].startswith("time (UTC)") and timeline["y"]["title"].startswith("responses per")
        assert timeline["y"]["ticks"][0] == "0" and len(timeline["y"]["ticks"]) >= 2 and timeline["x"]["ticks"], timeline
        assert not timeline["x"]["overlapping"] and not timeline["x"]["outside"] and not timeline["y"]["outside"], timeline
        assert timeline["legend"] == ["401 and error-log failures", "403", "407"]
        tooltips = browser.execute_script("return [...document.querySelectorAll('#timeline rect title')].map(t => t.textContent)")
        red = sum(int(m) for tip in tooltips for m in re.findall(r"(\d+) 401 and error-log failures", tip))
        assert red >= report["status"]["401"], (red, report["status"])
        browser.save_screenshot(os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts", "logs-report.png"))
    finally:
        browser.quit()


def test_apache_access_and_error_logs(files):
    folder = site(files)
    port = free_port()
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "authz_host", "auth_basic", "dir"]
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_prologue(folder, [port], modules) + f"""
LogFormat "%h %l %u %t \\"%r\\" %>s %b \\"%{{Referer}}i\\" \\"%{{User-agent}}i\\"" combined
CustomLog {folder}/access.log combined
LogFormat "%a %>s %u %t \\"%r\\" %D" timed
CustomLog {folder}/custom.log timed
""" + apache_basic_site(folder) + """<Location /forbidden/>
    Require all denied
</Location>
""")
    truth = record([APACHE, "-f", f"{folder}/apache2.conf", "-DFOREGROUND"], f"http://127.0.0.1:{port}", folder, settle=0.3)
    report = logs(os.path.join(folder, "access.log"), os.path.join(folder, "error.log"))
    check(report, truth)
    assert [f["format"] for f in report["files"]] == ["combined", "apache-error"]
    check_custom(folder, report, '%a %>s %u %t "%r" %D')
    # The same logs gzipped, and as `gatehouse doctor LOGFILE`.
    packed = os.path.join(folder, "access.log.gz")
    with open(os.path.join(folder, "access.log"), "rb") as source, gzip.open(packed, "wb") as target:
        target.write(source.read())
    assert logs(packed)["status"] == report["status"]
    doctor = subprocess.run([BINARY, "doctor", "--json", os.path.join(folder, "access.log"), os.path.join(folder, "error.log")], capture_output=True, text=True)
    assert json.loads(doctor.stdout)["status"]["401"] == truth["401"]
    assert json.loads(doctor.stdout)["reasons"] == report["reasons"], "several log files are read together, as gatehouse logs does"
    assert doctor.returncode == 1, "refused logins and attacks are causes"
    shutil.rmtree(folder, ignore_errors=True)


def test_caddy_json_access_log(files):
    """Caddy logs JSON with the request nested, no user on a refusal and `Authorization` redacted: a 401 that
    carried a credential is still told from a first challenge."""
    folder = site(files)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = f"\tlog {{\n\t\toutput file {folder}/access.log\n\t\tformat json\n\t}}"
    with caddy(folder, port, f"{log}\n\troot * {folder}/www\n{caddy_basicauth('/basic/*', 'alice', 'alice-pw')}\n\trespond /forbidden/* 403\n\tfile_server"):
        protected = url + "/basic/"   # (the log also holds the 200s of the readiness check)
        curl("--interface", "127.0.0.1", *[protected] * 5)                               # first challenges
        curl("--interface", "127.0.0.1", "-u", "alice:alice-pw", *[protected] * 3)      # working logins
        curl("--interface", "127.0.0.2", "-u", "alice:typo", *[protected] * 3)          # a forgotten password
        curl("--interface", "127.0.0.3", "-u", "alice:guess", *[protected] * 22)        # brute force
        curl("--interface", "127.0.0.5", *[url + "/forbidden/"] * 4)
        time.sleep(0.3)
    report = logs(os.path.join(folder, "access.log"))
    assert report["files"][0]["format"] == "json" and report["unreadable"] == 0
    assert report["status"] == {"401": 30, "403": 4, "407": 0}
    assert report["unauthorized"] == {"challenges": 5, "handshake_legs": 0, "refused_credentials": 25, "other": 0}
    assert {c["key"]: c["count"] for c in report["top"]["clients"]} == {"127.0.0.1": 5, "127.0.0.2": 3, "127.0.0.3": 22, "127.0.0.5": 4}
    assert {p["key"] for p in report["top"]["paths"]} == {"/basic/", "/forbidden/"}
    assert report["top"]["user_agents"][0]["key"].startswith("curl/")
    assert [(a["id"], a["client"]) for a in report["attacks"]] == [("brute-force", "127.0.0.3")]
    shutil.rmtree(folder, ignore_errors=True)


def test_since_counts_only_recent_lines(tmp_path):
    log = tmp_path / "access.log"
    log.write_text("".join(f'127.0.0.1 - bob [24/Nov/2026:0{hour}:30:00 +0000] "GET /basic/ HTTP/1.1" 401 381 "-" "curl/8.5.0"\n' for hour in range(6)))
    assert logs(str(log))["status"]["401"] == 6
    recent = subprocess.run([BINARY, "logs", "--json", "--since", "2026-11-24T03:00:00Z", str(log)], capture_output=True, text=True)
    assert recent.returncode == 0 and json.loads(recent.stdout)["status"]["401"] == 3
    none = subprocess.run([BINARY, "logs", "--json", "--since", "1h", str(log)], capture_output=True, text=True)
    assert none.returncode == 0 and json.loads(none.stdout)["status"]["401"] == 0, "readable logs with nothing that recent"
    handshakes = tmp_path / "handshakes.log"
    handshakes.write_text('127.0.0.1 - - [24/Nov/2026:05:30:00 +0000] "GET /basic/ HTTP/1.1" 401 381 "-" "curl/8.5.0"\n'
                          '127.0.0.1 - bob [24/Nov/2026:05:30:01 +0000] "GET /basic/ HTTP/1.1" 200 3 "-" "curl/8.5.0"\n')
    assert subprocess.run([BINARY, "doctor", str(handshakes)], capture_output=True).returncode == 0, "a first challenge is no cause"
    assert subprocess.run([BINARY, "doctor", str(log)], capture_output=True).returncode == 1, "bob's refused logins are"
    wrong = subprocess.run([BINARY, "logs", "--since", "last tuesday", str(log)], capture_output=True, text=True)
    assert wrong.returncode == 2 and "--since 'last tuesday' is not a time" in wrong.stderr


def test_the_same_log_gives_the_same_report_every_run(tmp_path):
    """More refused clients than the top counters keep (20,000, pruned at 40,000), most of them tied: which ties stay
    must not depend on the process's hash seed, or two runs on one file disagree."""
    log = tmp_path / "many.log"
    lines = []
    for n in range(60_000):
        client = f"10.{n % 7}.{(n // 7) % 256}.{(n // 1792) % 250 + 1}"
        lines.append(f'{client} - u{n % 5000} [24/Nov/2026:05:{n % 60:02d}:00 +0000] "GET /p{n % 30000} HTTP/1.1" 401 381 "-" "agent/{n % 25000}"\n')
    lines += ['203.0.113.9 - - [24/Nov/2026:05:00:00 +0000] "GET /admin HTTP/1.1" 401 381 "-" "curl/8.5.0"\n'] * 50
    log.write_text("".join(lines))
    runs = [subprocess.run([BINARY, "logs", "--json", str(log)], capture_output=True, text=True, check=True).stdout for _ in range(3)]
    assert runs[0] == runs[1] == runs[2]
    assert json.loads(runs[0])["top"]["clients"][0] == {"key": "203.0.113.9", "count": 50}


def test_corrupt_input_is_reported_and_the_rest_counted(tmp_path):
    line = '127.0.0.1 - alice [24/Nov/2026:05:00:00 +0000] "GET /basic/ HTTP/1.1" 401 381 "-" "curl/8.5.0"\n'
    good = (line * 100).encode()
    plain = tmp_path / "mixed.log"
    plain.write_bytes(good + os.urandom(3000).replace(b"\n", b"x") + b"\n" + b"x" * (1 << 20) + b"\n" + good)
    report = logs(str(plain))
    assert report["status"]["401"] == 200, "every good line around the garbage is counted"
    offsets = [p["offset"] for p in report["problems"]]
    assert len(good) in offsets, "the garbage is reported at its byte offset"
    assert any("64 KiB" in p["message"] for p in report["problems"])
    truncated = tmp_path / "cut.log.gz"
    packed = gzip.compress(good * 50)
    truncated.write_bytes(packed[: len(packed) // 2])
    report = logs(str(truncated))
    assert 0 < report["status"]["401"] < 10000
    assert any("truncated" in p["message"] for p in report["problems"])


def test_the_gateways_own_access_log(files, upstream, jwks_url):
    with PrivateGateway(files, config(upstream, jwks_url)) as gateway:
        for _ in range(3):
            requests.get(gateway.url + "/basic/")                                   # challenges
        for _ in range(4):
            requests.get(gateway.url + "/basic/", auth=("alice", "nope"))           # password-mismatch
        requests.get(gateway.url + "/basic/", auth=("mallory", "x"))                # unknown-user
        requests.get(gateway.url + "/basic/", auth=("alice", "alice-pw"))
        requests.get(gateway.url + "/admin/", auth=("bob", "bob-pw"))               # 403: not in require.users
        log = os.path.join(gateway.folder, "access.jsonl")
        for _ in range(50):
            if os.path.exists(log) and sum(1 for _ in open(log)) >= 10:
                break
            time.sleep(0.1)
        report = logs(log)
    assert report["files"][0]["format"] == "json"
    assert report["status"] == {"401": 8, "403": 1, "407": 0}
    assert report["unauthorized"] == {"challenges": 3, "handshake_legs": 0, "refused_credentials": 5, "other": 0}
    reasons = {r["id"]: r["count"] for r in report["reasons"]}
    assert reasons["password-mismatch"] == 4 and reasons["unknown-user"] == 1


def test_follow_alerts_when_401s_jump(tmp_path):
    log = tmp_path / "live.log"
    ok = '127.0.0.1 - - [24/Nov/2026:06:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8.5.0"\n'
    refused = '127.0.0.9 - mallory [24/Nov/2026:06:00:01 +0000] "GET /basic/ HTTP/1.1" 401 381 "-" "curl/8.5.0"\n'
    log.write_text(ok * 100)
    follower = subprocess.Popen([BINARY, "logs", "--follow", str(log)], stdout=subprocess.PIPE, text=True)
    try:
        assert "following" in follower.stdout.readline()
        for _ in range(7):                      # a quiet baseline, one poll a second
            with open(log, "a") as f:
                f.write(ok * 3)
            time.sleep(1)
        with open(log, "a") as f:
            f.write(refused * 40)
        deadline = time.time() + 10
        line = ""
        while time.time() < deadline and "alert" not in line:
            line = follower.stdout.readline()
        assert "alert: 40 401s" in line and "127.0.0.9" in line
    finally:
        follower.terminate()
        follower.wait(timeout=10)
