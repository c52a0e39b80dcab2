"""The `session` scheme of the gateway in a real browser (Debian's headless `chromium` with `chromium-driver`, driven
by selenium; screenshots kept in Tests/EndToEnd/artifacts/), and the OWASP ASVS v4 session-management checks
(chapter V3) one test each, with requests where no browser is needed."""
import os, re, tempfile, time
from http.server import BaseHTTPRequestHandler

import pytest
import requests

from conftest import NGINX, PrivateGateway, Serving, chromium, free_port, nginx_config, read_charts, serve
from test_tls import make_certificate

ARTIFACTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "artifacts")


def session_config(upstream, idle="1m", absolute="1h", tls=""):
    return f"""
listen: 127.0.0.1:0
store: sqlite:gatehouse.sqlite
upstream: {upstream}
realm: Example
lockout: {{ failures: 0 }}
{tls}
routes:
  - path: /app/
    schemes: [session]
    users: users.htpasswd
    session: {{ idle: {idle}, absolute: {absolute} }}
  - path: /
    public: true
"""


@pytest.fixture
def gateway(files, upstream):
    with PrivateGateway(files, session_config(upstream)) as gateway:
        yield gateway


@pytest.fixture
def browser():
    driver = chromium("--window-size=1000,800")
    yield driver
    driver.quit()


def shot(driver, name):
    os.makedirs(ARTIFACTS, exist_ok=True)
    driver.save_screenshot(os.path.join(ARTIFACTS, f"{name}.png"))


def click_and_wait(driver, button):
    """Clicks a button that submits a form and waits until the next page has loaded.

    The old page is marked in its window object: the wait ends when a document without the mark is
    complete. (Selenium's `staleness_of` asks chromedriver about the old node, which sometimes fails with
    "Node with given id does not belong to the document" while the page changes.)"""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait
    driver.execute_script("window.gatehouseOldPage = true")
    button.click()

    def next_page_loaded(driver):
        return driver.execute_script(
            "return window.gatehouseOldPage === undefined && document.readyState === 'complete'")
    WebDriverWait(driver, 10, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)


def submit(driver):
    """Clicks the form's submit button and waits for the next page to load."""
    from selenium.webdriver.common.by import By
    click_and_wait(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def log_in(driver, base, user="alice", password="alice-pw", page="/app/report?q=1"):
    from selenium.webdriver.common.by import By
    driver.get(base + page)
    assert "/auth/login" in driver.current_url, "a browser is sent to the login page"
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver)


def text(driver):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.TAG_NAME, "body").text


def test_log_in_and_return_to_the_page_wanted(gateway, browser):
    log_in(browser, gateway.url)
    assert browser.current_url == gateway.url + "/app/report?q=1"
    assert "/app/report?q=1" in text(browser), "the upstream got the page the user wanted"
    cookie = browser.get_cookie("gatehouse-session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Lax"
    shot(browser, "session-logged-in")


def test_wrong_password_says_so_without_telling_who_exists(gateway, browser):
    log_in(browser, gateway.url, password="wrong")
    assert "Wrong user name or password." in text(browser)
    shot(browser, "session-wrong-password")
    log_in(browser, gateway.url, user="nobody-by-this-name", password="wrong")
    assert "Wrong user name or password." in text(browser), "an unknown user gets the same message"
    assert browser.get_cookie("gatehouse-session") is None


def test_a_forged_form_without_the_csrf_token_is_refused(gateway, browser):
    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self):
            page = f"""<!doctype html><form id=f method=post action="{gateway.url}/auth/login">
                <input name=user value=alice><input name=password value=alice-pw><input name=next value=/app/></form>
                <script>document.getElementById('f').submit()</script>""".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    for attacker in serve(Attacker):
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.support.ui import WebDriverWait
        browser.get(attacker + "/")   # its script posts the forged form to the gateway
        WebDriverWait(browser, 10, ignored_exceptions=(WebDriverException,)).until(lambda driver: "did not come from this site" in text(driver))
        assert browser.get_cookie("gatehouse-session") is None, "no session was started"
        shot(browser, "session-forged-login")
    explained = requests.post(gateway.url + "/auth/login", data={"user": "alice", "password": "alice-pw"})
    assert explained.status_code == 403 and "gatehouse-session" not in explained.headers.get("Set-Cookie", "")


def test_idle_expiry(files, upstream, browser):
    with PrivateGateway(files, session_config(upstream, idle="3s")) as gateway:
        log_in(browser, gateway.url)
        time.sleep(4.5)
        browser.get(gateway.url + "/app/report")
        assert "/auth/login" in browser.current_url
        assert "period without activity" in text(browser)
        shot(browser, "session-idle")


def test_logout(gateway, browser):
    log_in(browser, gateway.url)
    browser.get(gateway.url + "/auth/logout")
    assert "alice" in text(browser)
    submit(browser)
    assert "You have logged out." in text(browser)
    browser.get(gateway.url + "/app/report")
    assert "/auth/login" in browser.current_url, "the session is gone"
    shot(browser, "session-logged-out")


def test_login_forms_opened_in_two_tabs_both_work(gateway):
    browser = requests.Session()
    first = re.search(r'name="csrf" value="([^"]+)"', browser.get(gateway.url + "/auth/login").text).group(1)
    second = browser.get(gateway.url + "/auth/login")   # the second tab, opened before the first is sent
    assert "HttpOnly" in second.headers["Set-Cookie"] and "SameSite=Strict" in second.headers["Set-Cookie"]
    response = browser.post(gateway.url + "/auth/login", data={"username": "alice", "password": "alice-pw", "csrf": first, "next": "/app/"}, allow_redirects=False)
    assert response.status_code == 303 and "gatehouse-session" in browser.cookies


# OWASP ASVS v4.0.3, V3 Session Management, without a browser.

def login(base, session=None, user="alice", password="alice-pw"):
    session = session or requests.Session()
    page = session.get(base + "/auth/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = session.post(base + "/auth/login", data={"username": user, "password": password, "csrf": csrf, "next": "/app/"}, allow_redirects=False)
    return session, response


def test_asvs_3_1_1_the_token_is_never_in_the_url(gateway):
    session, response = login(gateway.url)
    token = session.cookies["gatehouse-session"]
    assert token not in response.headers["Location"]


def test_asvs_3_2_1_a_new_token_at_login_no_fixation(gateway):
    planted = requests.Session()
    planted.cookies.set("gatehouse-session", "attacker-chosen-value", domain="127.0.0.1", path="/")
    session, response = login(gateway.url, planted)
    assert response.status_code == 303
    assert session.cookies.get("gatehouse-session", domain="127.0.0.1") != "attacker-chosen-value"
    fixed = requests.get(gateway.url + "/app/", cookies={"gatehouse-session": "attacker-chosen-value"}, headers={"Accept": "application/json"})
    assert fixed.status_code == 401, "the planted value opens nothing"


def test_asvs_3_2_2_tokens_have_at_least_64_bits_and_differ(gateway):
    tokens = {login(gateway.url)[0].cookies["gatehouse-session"] for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 43 for t in tokens), "256 random bits, base64url"


def test_asvs_3_3_1_logout_ends_the_session_on_the_server(gateway):
    session, _ = login(gateway.url)
    token = session.cookies["gatehouse-session"]
    page = session.get(gateway.url + "/auth/logout")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert session.post(gateway.url + "/auth/logout", data={"csrf": csrf}, allow_redirects=False).status_code == 303
    replay = requests.get(gateway.url + "/app/", cookies={"gatehouse-session": token}, headers={"Accept": "application/json"})
    assert replay.status_code == 401 and "ended" in replay.json()["detail"]


def test_asvs_3_3_2_absolute_lifetime(files, upstream):
    with PrivateGateway(files, session_config(upstream, idle="4s", absolute="6s")) as gateway:
        session, _ = login(gateway.url)
        logged_in = time.monotonic()
        token = session.cookies["gatehouse-session"]
        statuses = []
        for _ in range(3):    # active every second: never idle for 4 s, and well inside the absolute 6 s
            time.sleep(1)
            statuses.append(session.get(gateway.url + "/app/", headers={"Accept": "application/json"}).status_code)
        assert statuses == [200, 200, 200]
        time.sleep(max(0, logged_in + 6.5 - time.monotonic()))   # past the absolute 6 s, idle for less than 4 s
        late = requests.get(gateway.url + "/app/", cookies={"gatehouse-session": token}, headers={"Accept": "application/json"})
        assert late.status_code == 401 and "expired" in late.json()["detail"], "the server refuses the cookie even if a client keeps it"


def test_asvs_3_4_cookie_attributes_under_tls(files, upstream):
    folder = tempfile.mkdtemp(prefix="gatehouse-session-tls-")
    make_certificate(folder, "session")
    config = session_config(upstream, tls=f"tls: {{ certificate: {folder}/cert.pem, key: {folder}/key.pem }}")
    with PrivateGateway(files, config) as gateway:
        session = requests.Session()
        session.verify = False
        session.trust_env = False   # a CA bundle named in the environment would override verify=False
        _, response = login(gateway.url, session)
        cookie = [c for c in response.headers["Set-Cookie"].split(", ") if c.startswith("__Host-gatehouse-session=")]
        assert cookie, "the __Host- prefix under TLS"
        attributes = cookie[0].split("; ")
        assert {"Secure", "HttpOnly", "SameSite=Lax", "Path=/"} <= set(attributes)
        assert not any(a.startswith("Domain=") for a in attributes)


def test_asvs_3_5_cross_site_requests_with_the_session_are_refused(gateway):
    session, _ = login(gateway.url)
    forged = session.post(gateway.url + "/app/transfer", data={"amount": "100"}, headers={"Origin": "https://evil.test"})
    assert forged.status_code == 403
    same = session.post(gateway.url + "/app/transfer", data={"amount": "100"}, headers={"Origin": gateway.url})
    assert same.status_code == 200


def test_api_clients_get_401_not_a_login_page(gateway):
    response = requests.get(gateway.url + "/app/", headers={"Accept": "application/json"}, allow_redirects=False)
    assert response.status_code == 401 and response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Cookie ")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def refused_gateway(files, upstream):
    """A gateway with an admin dashboard that has refused: 4 first challenges from 127.0.0.1, then a guesser on
    127.0.0.7 banned after 3 wrong passwords. Yields the gateway, the challenges' request ids and the guesses'."""
    import subprocess
    config = session_config(upstream).replace("lockout: { failures: 0 }", "lockout: { failures: 3, window: 10m, ban: 10m }")
    config = config.replace("routes:\n", "admin: { path: /gatehouse/, users: [alice] }\nroutes:\n  - path: /basic/\n    schemes: [basic]\n    users: users.htpasswd\n")
    with PrivateGateway(files, config) as gateway:
        challenges = [requests.get(gateway.url + "/basic/").headers["X-Request-Id"] for _ in range(4)]
        guesses = []
        for attempt in range(4):
            headers = subprocess.run(["curl", "-s", "-D", "-", "-o", "/dev/null", "--interface", "127.0.0.7", "-u", f"user-bcrypt:guess{attempt}", gateway.url + "/basic/"],
                                     check=True, capture_output=True, text=True).stdout
            guesses.append(re.search(r"(?im)^x-request-id: *(\S+)", headers).group(1))
        yield gateway, challenges, guesses


def test_dashboard_shows_live_figures_and_unbans(refused_gateway, browser, files):
    import subprocess
    from selenium.webdriver.common.by import By
    gateway, ids, _ = refused_gateway
    log_in(browser, gateway.url, page="/gatehouse/")
    assert browser.current_url == gateway.url + "/gatehouse/"
    assert int(browser.find_element(By.ID, "count-401").text) >= 7
    assert int(browser.find_element(By.ID, "count-429").text) >= 1
    assert "password-mismatch" in browser.find_element(By.ID, "reasons").text
    assert "ip:127.0.0.7" in browser.find_element(By.ID, "bans").text
    assert browser.find_elements(By.CSS_SELECTOR, "#chart rect"), "the chart has bars"
    assert "/basic/" in browser.find_element(By.ID, "config").text
    shot(browser, "dashboard")
    browser.find_element(By.ID, "id").send_keys(ids[0])
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form[method=get] button"))
    assert "reason:  no-credentials" in browser.find_element(By.ID, "explained").text
    browser.get(gateway.url + "/gatehouse/")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '#bans button[aria-label="Unban ip:127.0.0.7"]'))
    assert "ip:127.0.0.7" not in text(browser)
    shot(browser, "dashboard-unbanned")
    unbanned = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", "127.0.0.7", gateway.url + "/basic/"], capture_output=True, text=True)
    assert unbanned.stdout == "401", "the ban is lifted"
    bob, _ = login(gateway.url, user="bob", password="bob-pw")
    assert bob.get(gateway.url + "/gatehouse/").status_code == 403, "only admins"


def test_dashboard_reads_at_a_glance_on_a_desktop_and_a_phone(refused_gateway, browser):
    """Issue 15's dashboard: the counters in one row, every chart with both axes titled and ticked and the time chart
    with its legend, readable and unclipped at a phone's width, each reason linked to what `gatehouse explain` says
    of it; and nothing on the page needs a script or anything from elsewhere."""
    from selenium.webdriver.common.by import By
    gateway, _, guesses = refused_gateway
    log_in(browser, gateway.url, page="/gatehouse/")
    page = requests.Session()
    page.cookies.update({c["name"]: c["value"] for c in browser.get_cookies()})
    html = page.get(gateway.url + "/gatehouse/").text
    assert "<script" not in html.lower() and not re.search(r'(?:src|href)="(?:https?:)?//', html), "no script, nothing from elsewhere"

    browser.set_window_size(1280, 1000)
    browser.get(gateway.url + "/gatehouse/")
    tops = {round(counter.location["y"]) for counter in browser.find_elements(By.CSS_SELECTOR, ".counters div")}
    assert len(tops) == 1, "the six counters stand in one row on a desktop"
    for width, name in ((1280, "desktop"), (390, "phone")):
        browser.set_window_size(width, 1000)
        browser.get(gateway.url + "/gatehouse/")
        charts = {chart["id"]: chart for chart in read_charts(browser)}
        assert set(charts) == {"chart", "reasons", "routes"}, name
        for chart in charts.values():
            for axis in ("x", "y"):
                assert chart[axis]["title"].strip(), f"{name}: {chart['id']} has a {axis} axis title"
                assert not chart[axis]["overlapping"] and not chart[axis]["outside"], f"{name}: {chart['id']} {axis} labels apart and inside: {chart[axis]}"
            assert chart["bars"] > 0 and chart["smallestText"] >= 9, f"{name}: {chart['id']} has bars and text of at least 9 px: {chart}"
        minute = charts["chart"]
        assert all(re.fullmatch(r"\d\d:\d\d", tick) for tick in minute["x"]["ticks"]) and len(minute["x"]["ticks"]) >= 3, minute["x"]
        assert minute["y"]["ticks"][0] == "0" and len(minute["y"]["ticks"]) >= 2, minute["y"]
        assert minute["legend"] == ["401 Unauthorized", "403 Forbidden", "429 Banned"]
        assert "time (UTC)" in minute["x"]["title"] and "per minute" in minute["y"]["title"]
        for small in ("reasons", "routes"):
            assert charts[small]["x"]["ticks"][0] == "0" and "refusals" in charts[small]["x"]["title"]
        assert "password-mismatch" in charts["reasons"]["y"]["ticks"] and "/basic/" in charts["routes"]["y"]["ticks"]
        assert browser.execute_script("return document.documentElement.scrollWidth") <= browser.execute_script("return window.innerWidth"), \
            f"{name}: nothing wider than the screen"
        browser.execute_script("window.scrollTo(0, 0)")
        shot(browser, f"dashboard-{name}")

    explained = gateway.explain(guesses[0])
    assert explained["reason"] == "password-mismatch"
    links = {link.text: link for link in browser.find_elements(By.CSS_SELECTOR, "#reasons a")}
    assert {"password-mismatch", "no-credentials"} <= set(links), links.keys()
    links["password-mismatch"].click()
    assert browser.current_url.endswith("#reason-password-mismatch")
    meaning = browser.find_element(By.XPATH, "//dt[@id='reason-password-mismatch']/following-sibling::dd[1]").text
    fix = browser.find_element(By.XPATH, "//dt[@id='reason-password-mismatch']/following-sibling::dd[2]").text
    assert meaning == explained["meaning"] and fix == "Fix: " + explained["fix"], "the dashboard says what `gatehouse explain` says"


def test_a_user_banned_elsewhere_loses_the_open_session(files, upstream, tmp_path):
    import subprocess
    config = session_config(upstream).replace("lockout: { failures: 0 }", "lockout: { failures: 3, window: 10m, ban: 10m }")
    with PrivateGateway(files, config) as gateway:
        session, _ = login(gateway.url)
        assert session.get(gateway.url + "/app/", headers={"Accept": "application/json"}).status_code == 200
        jar = str(tmp_path / "jar")
        for attempt in range(3):   # someone guessing alice's password from another address
            page = subprocess.run(["curl", "-s", "--interface", "127.0.0.9", "-c", jar, "-b", jar, gateway.url + "/auth/login"], capture_output=True, text=True).stdout
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
            subprocess.run(["curl", "-s", "-o", "/dev/null", "--interface", "127.0.0.9", "-c", jar, "-b", jar,
                            "-d", f"user=alice&password=guess{attempt}&csrf={csrf}", gateway.url + "/auth/login"], check=True)
        locked = session.get(gateway.url + "/app/", headers={"Accept": "application/json"})
        assert locked.status_code == 429, "a ban on the user applies to the session too"


def test_behind_nginx_terminating_tls_the_cookies_are_secure_and_logins_work(files, upstream):
    """nginx terminates TLS and proxies with its default Host (the gateway's address) plus X-Forwarded-Host: with
    `secure_cookies: true` the cookies get Secure and __Host-, and the login's Origin check takes the forwarded host."""
    folder = tempfile.mkdtemp(prefix="gatehouse-proxy-")
    make_certificate(folder, "proxy")
    config = session_config(upstream).replace("routes:\n", "secure_cookies: true\ntrusted_proxies: [127.0.0.1/32]\nroutes:\n")
    with PrivateGateway(files, config) as gateway:
        port = free_port()
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(nginx_config(folder, f"""
    access_log off;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {folder}/cert.pem;
        ssl_certificate_key {folder}/key.pem;
        location / {{
            proxy_pass {gateway.url};
            proxy_set_header X-Forwarded-Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto https;
        }}
    }}"""))
        base = f"https://127.0.0.1:{port}"
        with Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], base + "/auth/login"):
            browser = requests.Session()
            browser.verify = False
            browser.trust_env = False
            form = browser.get(base + "/auth/login")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
            response = browser.post(base + "/auth/login", data={"username": "alice", "password": "alice-pw", "csrf": csrf, "next": "/app/"},
                                    headers={"Origin": base}, allow_redirects=False)
            assert response.status_code == 303, response.text
            cookie = [c for c in response.headers["Set-Cookie"].split(", ") if c.startswith("__Host-gatehouse-session=")]
            assert cookie and "Secure" in cookie[0].split("; ")
            assert browser.get(base + "/app/", headers={"Accept": "application/json"}).status_code == 200
            forged = browser.post(base + "/app/", headers={"Origin": "https://evil.test"})
            assert forged.status_code == 403, "another origin is still refused"

