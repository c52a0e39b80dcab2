"""IIS and Windows authentication, as strangers meet them: curl's own NTLM messages decoded by `gatehouse header`;
the doctor logging on with --ntlm to an IIS-like server that curl logs on to (and refused where curl is refused);
IIS error pages; IIS W3C logs read by `gatehouse logs` (plain, gzip-rotated, a folder); web.config trees with
their exit status. The logs and web.config fixtures are written from Microsoft's documentation (Tests/Fixtures/IIS,
sources inside each file)."""
import gzip, json, os, shutil, subprocess, tempfile

import pytest

from conftest import BINARY, CHROMIUM, ROOT, doctor, first_cause, serve
from ntlm_server import handler

FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "IIS")
PASSWORDS = {"alice": "Spring-2026!"}


def iis(mode="keep-alive", seen=None):
    yield from serve(handler(PASSWORDS, mode, seen))


@pytest.fixture()
def site():
    seen = []
    for base in iis("keep-alive", seen):
        yield base, seen


def curl_status(*args):
    result = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args], capture_output=True, text=True, timeout=20)
    return int(result.stdout or 0)


def test_curl_and_the_doctor_log_on_to_the_same_ntlm_server(site):
    base, seen = site
    # The server is checked against curl first: the right password gets in, a wrong one does not.
    assert curl_status("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/portal/") == 200
    assert curl_status("--ntlm", "-u", "CONTOSO\\alice:Autumn-1999?", base + "/portal/") == 401
    good = doctor("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/portal/")
    assert good["outcome"] == "authorized" and good["_exit"] == 0, good["findings"]
    assert first_cause(good) is None
    bad = doctor("--ntlm", "-u", "CONTOSO\\alice:Autumn-1999?", base + "/portal/")
    assert bad["outcome"] == "unauthorized" and bad["_exit"] == 1
    assert first_cause(bad) == "negotiate-failure"
    finding = next(f for f in bad["findings"] if f["id"] == "negotiate-failure")
    evidence = " ".join(finding["evidence"])
    assert "CONTOSO\\alice" in evidence and "NTLMv2" in evidence and "contoso.test" in evidence
    assert "Autumn-1999" not in json.dumps(bad), "the password is never in the report"


def test_a_server_that_closes_the_connection_after_its_challenge():
    for base in iis("close-after-challenge"):
        # curl cannot log on either: the third message arrives on a new connection.
        assert curl_status("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/") == 401
        report = doctor("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/")
        assert first_cause(report) == "negotiate-failure"
        assert "closed the connection" in report["findings"][0]["title"]


def test_ntlm_where_only_negotiate_is_offered_is_the_wrong_scheme():
    for base in iis("negotiate-only"):
        assert curl_status("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/") == 401
        report = doctor("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/")
        assert first_cause(report) == "scheme-mismatch"


def test_negotiate_without_a_ticket_says_what_the_client_needs(site):
    base, _ = site
    env = dict(os.environ, KRB5CCNAME="FILE:/nonexistent/ticket")
    report = json.loads(subprocess.run([BINARY, "doctor", "--json", "--negotiate", "-u", ":", base + "/"], capture_output=True, text=True, env=env, timeout=30).stdout)
    assert first_cause(report) == "negotiate-failure"
    assert "kinit" in report["findings"][0]["fix"] and "HTTP/127.0.0.1" in report["findings"][0]["title"]


def test_iis_401_2_without_a_challenge_is_the_configuration():
    for base in iis("no-method"):
        report = doctor(base + "/MixedAuth")
        assert first_cause(report) == "config-error"
        assert any("401.2" in line for line in report["findings"][0]["evidence"])


@pytest.mark.parametrize("code, cause", [("401.3", "forbidden-sent-as-401"), ("401.502", "rate-limited"), ("401.503", "blocked-by-firewall")])
def test_iis_error_pages_by_their_substatus(code, cause):
    for base in iis("page:" + code):
        report = doctor("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/finance/")
        assert first_cause(report) == cause
        assert any("0x80070005" in line for line in report["findings"][0]["evidence"])


def test_header_decodes_the_messages_curl_sends(site):
    base, seen = site
    curl_status("--ntlm", "-u", "CONTOSO\\alice:Spring-2026!", base + "/")
    negotiate, authenticate = [value for value in seen if value.startswith("NTLM ")][:2]
    first = json.loads(subprocess.run([BINARY, "header", "--json", "Authorization: " + negotiate], capture_output=True, text=True).stdout)
    assert first["credentials"]["negotiate"]["ntlm"]["type"] == 1
    third = json.loads(subprocess.run([BINARY, "header", "--json", "Authorization: " + authenticate], capture_output=True, text=True).stdout)
    ntlm = third["credentials"]["negotiate"]["ntlm"]
    assert (ntlm["type"], ntlm["user"], ntlm["domain"], ntlm["response"]) == (3, "alice", "CONTOSO", "v2")
    assert third["credentials"]["token68"] == "[redacted]", "the NTLMv2 response is crackable: never echoed"
    text = subprocess.run([BINARY, "header", "Authorization: " + authenticate], capture_output=True, text=True).stdout
    assert '"alice"' in text and "NTLMv2" in text and authenticate.split()[1] not in text


def test_header_names_what_a_negotiate_token_carries(site):
    base, seen = site
    # curl --negotiate without a ticket falls back to nothing; a Negotiate token wrapping NTLM is what old IE sent.
    curl_status("-H", "Authorization: Negotiate " + seen_token(base, seen), base + "/")
    text = subprocess.run([BINARY, "header", "Authorization: Negotiate " + seen[-1].split()[1]], capture_output=True, text=True).stdout
    assert "NTLM type 1" in text
    broken = subprocess.run([BINARY, "header", "--json", "Authorization: NTLM TlRMTVNTUAAD"], capture_output=True, text=True)
    assert broken.returncode == 0 and "error" in json.loads(broken.stdout)["credentials"]


def seen_token(base, seen):
    curl_status("--ntlm", "-u", "CONTOSO\\alice:x", base + "/")
    return next(value for value in seen if value.startswith("NTLM ")).split()[1]


def browser_har(url, password, har):
    """Headless Chromium logging on with Windows credentials (as a user typing them at the prompt), recorded as a HAR."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(record_har_path=har, http_credentials={"username": "CONTOSO\\alice", "password": password})
        status = context.new_page().goto(url).status
        context.close()
        browser.close()
    return status


@pytest.mark.parametrize("password, status", [("Spring-2026!", 200), ("Autumn-1999?", 401)])
def test_chromium_har_of_a_windows_login(site, password, status, tmp_path):
    base, seen = site
    har = str(tmp_path / "session.har")
    # Chromium's own NTLM (NTLMv2) logs on to the server that verifies it, or is refused with the wrong password.
    assert browser_har(base + "/portal/", password, har) == status
    assert any(value.startswith("NTLM TlRMTVNTUAAD") for value in seen)
    report = doctor(har)
    if status == 200:
        assert first_cause(report) is None
    else:
        assert first_cause(report) == "negotiate-failure"
        assert "Windows authentication" in report["findings"][0]["title"]


def logs(*paths):
    result = subprocess.run([BINARY, "logs", "--json", *paths], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_iis_logs_plain_rotated_and_in_a_folder():
    folder = tempfile.mkdtemp(prefix="gatehouse-iis-")
    try:
        shutil.copy(os.path.join(FIXTURES, "logs", "handshakes.log"), os.path.join(folder, "u_ex250312.log"))
        with open(os.path.join(FIXTURES, "logs", "substatus.log"), "rb") as source, gzip.open(os.path.join(folder, "u_ex250311.log.gz"), "wb") as target:
            target.write(source.read())
        report = logs(folder)
        assert sorted(f["format"] for f in report["files"]) == ["w3c", "w3c"]
        assert report["status"]["401"] == 61 and report["unreadable"] == 0
        # 20 challenges, 9 NTLM middle legs, 12 refused credentials: a report counting every 401 as a failure says 61.
        assert report["unauthorized"] == {"challenges": 20, "handshake_legs": 9, "refused_credentials": 12, "other": 20}
        kinds = {(s["status"], s["substatus"], s["win32"]): s for s in report["substatus"]}
        assert kinds[(401, 1, 1909)]["count"] == 2 and "LOCKED_OUT" in kinds[(401, 1, 1909)]["win32_meaning"]
        assert kinds[(401, 1, 2148074254)]["role"] == "handshake-leg"
        assert kinds[(401, 503, 0)]["role"] == "blocked"
        assert {c["client"] for c in report["unanswered_challenges"]} == {"10.10.20.41", "10.10.9.5"}
        users = {u["key"] for u in report["top"]["users"]}
        assert "CONTOSO\\jdoe" in users
        page = os.path.join(folder, "report.html")
        subprocess.run([BINARY, "logs", "--html", page, folder], capture_output=True, check=True, timeout=60)
        html = open(page).read()
        assert "IIS sub-status" in html and "ERROR_ACCOUNT_LOCKED_OUT" in html and "10.10.20.41" in html
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_doctor_on_iis_logs_names_the_causes_the_substatus_gives():
    report = doctor(os.path.join(FIXTURES, "logs", "substatus.log"))
    ids = [f["id"] for f in report["findings"] if f["severity"] == "cause"]
    for expected in ["forbidden-sent-as-401", "rate-limited", "blocked-by-firewall", "credentials-rejected"]:
        assert expected in ids, (expected, ids)
    healthy = os.path.join(tempfile.mkdtemp(prefix="gatehouse-iis-"), "u_ex050521.log")
    with open(healthy, "w") as f:
        # David Wang's log of a healthy Windows Integrated login (https://learn.microsoft.com/en-us/archive/blogs/david.wang/howto-diagnose-401-x-http-errors-on-iis).
        f.write("#Software: Microsoft Internet Information Services 6.0\n#Version: 1.0\n#Date: 2005-05-21 05:39:27\n"
                "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status\n"
                "2005-05-21 05:39:27 192.168.0.101 GET /VirtualServer/scripts/VSScripts.js - 1024 - 192.168.0.101 Mozilla/4.0+(User-Agent) 401 2 5\n"
                "2005-05-21 05:39:27 192.168.0.101 GET /VirtualServer/scripts/VSScripts.js - 1024 - 192.168.0.101 Mozilla/4.0+(User-Agent) 401 1 2148074254\n"
                "2005-05-21 05:39:27 192.168.0.101 GET /VirtualServer/scripts/VSScripts.js - 1024 WEBBROWSER\\User 192.168.0.101 Mozilla/4.0+(User-Agent) 304 0 0\n")
    clean = doctor(healthy)
    assert first_cause(clean) is None and clean["_exit"] == 0


@pytest.mark.parametrize("case", sorted(c for c in os.listdir(os.path.join(FIXTURES, "webconfig")) if not c.endswith(".md")))
def test_web_config_cases_through_the_command_line(case):
    folder = os.path.join(FIXTURES, "webconfig", case)
    with open(os.path.join(folder, "expect.json")) as f:
        expect = json.load(f)
    target = folder if expect["target"] == "." else os.path.join(folder, expect["target"])
    result = subprocess.run([BINARY, "doctor", target], capture_output=True, text=True, timeout=30)
    if expect["expect"] == "healthy":
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == (1 if expect["expect"] != "basic-over-http" else 0), result.stdout
        assert f"{expect['file']}:{expect['line']}" in result.stdout, result.stdout
