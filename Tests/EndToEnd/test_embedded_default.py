"""`gatehouse serve` with no config: a newcomer sees a real 401, logs in with the printed password, and opens the
dashboard (DESIGN.md, "Embedded default")."""
import re, subprocess, tempfile, time

import requests
from requests.auth import HTTPDigestAuth

from conftest import BINARY


def start_default(folder):
    process = subprocess.Popen([BINARY, "serve", "--port", "0"], cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    password, deadline = None, time.time() + 30
    while time.time() < deadline:
        line = process.stdout.readline()
        password = password or (re.search(r"created user 'admin' with password (\S+)", line) or [None, None])[1]
        listening = re.search(r"listening on (http://\S+?)/?$", line.strip())
        if listening:
            return process, listening.group(1), password
        if process.poll() is not None:
            raise RuntimeError("gatehouse serve exited: " + process.stderr.read())
    raise RuntimeError("gatehouse serve did not start")


def test_the_embedded_default_challenges_then_lets_the_printed_password_in_and_opens_the_dashboard():
    folder = tempfile.mkdtemp(prefix="gatehouse-default-")
    process, url, password = start_default(folder)
    try:
        assert password, "the generated password is printed once"
        refused = requests.get(url + "/")
        assert refused.status_code == 401
        assert [c.split()[0] for c in refused.headers["WWW-Authenticate"].split(", ") if c.split()[0] in ("Digest", "Basic")]
        assert requests.get(url + "/", auth=HTTPDigestAuth("admin", password)).status_code == 200
        assert requests.get(url + "/", auth=("admin", password)).status_code == 200

        browser = requests.Session()
        to_login = browser.get(url + "/gatehouse/", headers={"Accept": "text/html"}, allow_redirects=False)
        assert to_login.status_code == 303 and to_login.headers["Location"].startswith("/auth/login")
        form = browser.get(url + to_login.headers["Location"])
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.text))
        fields.update(username="admin", password=password)
        dashboard = browser.post(url + "/auth/login", data=fields, headers={"Origin": url, "Accept": "text/html"})
        assert dashboard.status_code == 200 and dashboard.url == url + "/gatehouse/"
        assert "Active bans" in dashboard.text
        for _ in range(50):   # the audit trail is written in batches every 100 ms
            refusals = int(re.search(r"<dd id=\"count-401\">(\d+)</dd>", dashboard.text).group(1))
            if refusals >= 1:
                break
            time.sleep(0.1)
            dashboard = browser.get(url + "/gatehouse/")
        assert refusals >= 1, "the first 401 shows on the dashboard"
    finally:
        process.terminate()
        process.wait(timeout=10)
