"""`gatehouse doctor CONFIG` on nginx and Apache configurations that the real servers accept (`nginx -t`,
`apache2 -t`), each with one planted fault: the doctor's first finding carries the expected id and names the file
and line of the fault. A working configuration gives no cause. `--user`/`--password` check a login as the server would."""
import json, os, shutil, subprocess, tempfile

import pytest

from conftest import APACHE, BINARY, NGINX, ROOT, Serving, apache_htdigest, apache_prologue, free_port, nginx_config


def config_doctor(path, *args):
    result = subprocess.run([BINARY, "doctor", "--json", path, *args], capture_output=True, text=True, timeout=30)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    report["_exit"] = result.returncode
    return report


def first(report):
    return report["findings"][0] if report["findings"] else {"id": None, "location": None}


@pytest.fixture
def folder():
    path = tempfile.mkdtemp(prefix="gatehouse-config-")
    os.chmod(path, 0o755)
    subprocess.run(["htpasswd", "-cbB", "-C", "5", os.path.join(path, "users"), "alice", "alice-pw"], check=True, capture_output=True)
    subprocess.run(["htpasswd", "-bB", "-C", "5", os.path.join(path, "users"), "bob", "bob-pw"], check=True, capture_output=True)
    os.chmod(os.path.join(path, "users"), 0o644)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def nginx_site(folder, locations):
    os.makedirs(os.path.join(folder, "sites"), exist_ok=True)
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(f"user www-data;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\nhttp {{\n    include sites/*.conf;\n}}\n")
    with open(os.path.join(folder, "sites", "site.conf"), "w") as f:
        f.write("server {\n    listen 127.0.0.1:18998;\n" + "".join(f"    {line}\n" for line in locations) + "}\n")
    check = subprocess.run([NGINX, "-t", "-c", f"{folder}/nginx.conf", "-p", f"{folder}/"], capture_output=True, text=True)
    assert check.returncode == 0, "nginx accepts the configuration: " + check.stderr
    return os.path.join(folder, "nginx.conf")


@pytest.mark.parametrize("location, cause, line", [
    ('location /a/ { auth_basic "a"; auth_basic_user_file missing.htpasswd; }', "password-file-error", 3),
    ('location /a/ { auth_basic "a"; }', "config-error", 3),
    ('location /api/ { auth_basic off; proxy_set_header Authorization ""; proxy_pass http://127.0.0.1:9; }', "authorization-not-passed-to-app", 3),
])
def test_nginx_planted_faults(folder, location, cause, line):
    report = config_doctor(nginx_site(folder, [location]))
    assert first(report)["id"] == cause and report["_exit"] == 1
    assert first(report)["location"] == f"{folder}/sites/site.conf:{line}", "the finding names the included file and line"


def test_nginx_working_and_user_checks(folder):
    path = nginx_site(folder, ['location /a/ { auth_basic "a"; auth_basic_user_file users; }'])  # relative to the prefix
    working = config_doctor(path)
    assert working["_exit"] == 0 and not [f for f in working["findings"] if f["severity"] == "cause"]
    assert first(config_doctor(path, "--user", "alice", "--password", "wrong"))["id"] == "credentials-rejected"
    assert first(config_doctor(path, "--user", "mallory"))["id"] == "credentials-rejected"
    accepted = config_doctor(path, "--user", "alice", "--password", "alice-pw")
    assert accepted["_exit"] == 0 and "credentials-accepted" in [f["id"] for f in accepted["findings"] if f["severity"] == "info"]
    # The server listens without TLS: the password would cross the network in clear text (a warning, no cause).
    assert [f["id"] for f in accepted["findings"] if f["severity"] == "warning"] == ["basic-over-http"]


def test_a_user_added_to_another_file_than_the_one_nginx_reads(folder):
    path = nginx_site(folder, ['location /a/ { auth_basic "a"; auth_basic_user_file users; }'])
    subprocess.run(["htpasswd", "-cbB", "-C", "5", os.path.join(folder, ".htpasswd"), "carol", "carol-pw"], check=True, capture_output=True)
    report = config_doctor(path, "--user", "carol", "--password", "carol-pw")
    assert first(report)["id"] == "password-file-mismatch" and report["_exit"] == 1
    assert any(".htpasswd" in line for line in first(report)["evidence"]) and first(report)["location"] == f"{folder}/sites/site.conf:3"
    assert first(config_doctor(path, "--user", "carol", "--password", "wrong"))["id"] == "credentials-rejected", "not with another password"


def test_nginx_unreadable_and_unsupported_files(folder):
    path = nginx_site(folder, ['location /a/ { auth_basic "a"; auth_basic_user_file users; }'])
    os.chmod(os.path.join(folder, "users"), 0o600)
    report = config_doctor(path)
    assert first(report)["id"] == "password-file-error" and "www-data" in first(report)["explanation"]
    os.chmod(os.path.join(folder, "users"), 0o644)
    with open(os.path.join(folder, "users"), "a") as f:
        f.write("carol:plain-text-password\n")
    report = config_doctor(path)
    assert first(report)["id"] == "password-file-error" and "carol" in first(report)["explanation"]


def apache_site(folder, body):
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "authz_groupfile", "authz_host", "auth_basic", "auth_digest", "cgid", "alias"]
    os.makedirs(os.path.join(folder, "www"), exist_ok=True)
    os.makedirs(os.path.join(folder, "cgi-bin"), exist_ok=True)
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_prologue(folder, [18997], modules) + f"DocumentRoot {folder}/www\n{body}\n")
    check = subprocess.run([APACHE, "-t", "-f", f"{folder}/apache2.conf"], capture_output=True, text=True)
    assert check.returncode == 0, "Apache accepts the configuration: " + check.stderr
    return os.path.join(folder, "apache2.conf")


BASIC = 'AuthType Basic\n    AuthName "apache"\n    AuthUserFile {folder}/users\n'


@pytest.mark.parametrize("section, cause, marker", [
    ('<Location /a/>\n    AuthType Basic\n    AuthUserFile users\n    Require valid-user\n</Location>', "config-error", "AuthType Basic"),
    ('<Location /a/>\n    AuthType Basic\n    AuthName "a"\n    AuthUserFile missing\n    Require valid-user\n</Location>', "password-file-error", "AuthUserFile missing"),
    ('<Location /a/>\n    ' + BASIC + '    Require user ghost\n</Location>', "forbidden-sent-as-401", "Require user ghost"),
    ('<Location /a/>\n    ' + BASIC + '    Require group admins\n</Location>', "config-error", "Require group admins"),
    ('<Location /d/>\n    AuthType Digest\n    AuthName "right"\n    AuthUserFile digest\n    Require valid-user\n</Location>', "digest-realm-mismatch", "AuthUserFile digest"),
    ('ScriptAlias /cgi-bin/ {folder}/cgi-bin/\n<Directory {folder}/cgi-bin>\n    Require all granted\n</Directory>', "authorization-not-passed-to-app", "<Directory"),
])
def test_apache_planted_faults(folder, section, cause, marker):
    with open(os.path.join(folder, "digest"), "w") as f:
        f.write("alice:wrong-realm:0123456789abcdef0123456789abcdef\n")
    path = apache_site(folder, section.replace("{folder}", folder))
    line = next(number for number, text in enumerate(open(path), 1) if marker in text)
    report = config_doctor(path)
    assert first(report)["id"] == cause
    assert first(report)["location"] == f"{path}:{line}", "the finding names the line of the fault"


def test_apache_working_and_a_user_outside_the_require_list(folder):
    path = apache_site(folder, ('<Location /a/>\n    ' + BASIC + '    Require user alice\n    AuthzSendForbiddenOnFailure On\n</Location>').replace("{folder}", folder))
    working = config_doctor(path)
    assert working["_exit"] == 0 and not [f for f in working["findings"] if f["severity"] == "cause"]
    report = config_doctor(path, "--user", "bob", "--password", "bob-pw")
    assert first(report)["id"] == "forbidden-sent-as-401" and "bob" in first(report)["title"]


def test_htaccess_in_a_directory(folder):
    site = os.path.join(folder, "www", "private")
    os.makedirs(site)
    with open(os.path.join(site, ".htaccess"), "w") as f:
        f.write(f'AuthType Basic\nAuthUserFile {folder}/users\nRequire valid-user\n')
    report = config_doctor(os.path.join(folder, "www"))
    assert first(report)["id"] == "config-error" and first(report)["location"] == f"{site}/.htaccess:1"


def test_every_offline_input_has_a_markdown_report(tmp_path):
    """`--markdown` (for a ticket) works for a configuration, a HAR and logs as for a URL: a heading, each cause with
    its id and fix, and the exit status of the text report."""
    conf = tmp_path / "nginx.conf"
    conf.write_text("events {}\nhttp { server { listen 127.0.0.1:9; location /a/ { auth_basic \"x\"; } } }\n")
    log = tmp_path / "error.log"
    log.write_text('2020/06/07 08:54:24 [error] 15#15: *12 user "foo" was not found in "/etc/nginx/auth.htpasswd", '
                   'client: 192.168.0.29, server: , request: "GET / HTTP/1.1", host: "192.168.0.25:8080"\n')
    har = tmp_path / "s.har"
    subprocess.run(["python3", os.path.join(ROOT, "bench", "generate_har.py"), str(har), "--entries", "20", "--refused", "10"], check=True)
    for path, cause in [(conf, "config-error"), (log, "credentials-rejected"), (har, "token-expired")]:
        result = subprocess.run([BINARY, "doctor", "--markdown", str(path)], capture_output=True, text=True, timeout=30)
        assert result.returncode == 1, result.stderr
        assert result.stdout.startswith("## 401 diagnosis") and f"`{cause}`" in result.stdout and "**Fix:**" in result.stdout


# The request the user asks about (-u, --digest, -H) is answered as the server would: each claim is first shown on the
# real server, then the doctor must say it from the configuration alone.

def curl_status(*args):
    return subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args], capture_output=True, text=True, timeout=10).stdout


@pytest.mark.parametrize("setting, dropped", [("", True), ("underscores_in_headers on;", False), ("ignore_invalid_headers off;", False)])
def test_nginx_drops_underscored_headers_as_the_doctor_says(folder, setting, dropped):
    # The location refuses unless the header arrived: what an application checking it would do.
    port = free_port()
    site = (f"server {{ listen 127.0.0.1:{port}; {setting}\n"
            f"  location / {{ if ($http_project_token = \"\") {{ return 401; }} return 200 ok; }} }}")
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(nginx_config(folder, site))
    with Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/"):
        assert curl_status("-H", "project_token: 4f1c2a", f"http://127.0.0.1:{port}/") == ("401" if dropped else "200")
        assert curl_status("-H", "project-token: 4f1c2a", f"http://127.0.0.1:{port}/") == "200", "the dashed name the doctor proposes gets through"
    report = config_doctor(f"{folder}/nginx.conf", "-H", "project_token: 4f1c2a")
    named = [f for f in report["findings"] if f["id"] == "underscore-header-dropped"]
    assert bool(named) == dropped, report["findings"]
    if dropped:
        assert named[0]["severity"] == "cause" and "project-token" in named[0]["fix"]
    assert not [f for f in config_doctor(f"{folder}/nginx.conf")["findings"] if f["id"] == "underscore-header-dropped"], "no header, no finding"


def test_apache_digest_section_refuses_basic_as_the_doctor_says(folder):
    # The htdigest file is made by Apache's own htdigest; curl -u sends Basic, --digest the scheme the section takes.
    port = free_port()
    apache_htdigest(os.path.join(folder, "digest-users"), "webdav", "tusk", "K33pass-dav", create=True)
    os.chmod(os.path.join(folder, "digest-users"), 0o644)
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "auth_digest"]
    os.makedirs(os.path.join(folder, "www", "tusk"), exist_ok=True)
    with open(os.path.join(folder, "www", "tusk", "db.kdbx"), "w") as f:
        f.write("db\n")
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_prologue(folder, [port], modules) + f"DocumentRoot {folder}/www\n<Directory {folder}/www>\n    Require all granted\n</Directory>\n"
                f"<Directory {folder}/www/tusk>\n    AuthType Digest\n    AuthName \"webdav\"\n    AuthUserFile {folder}/digest-users\n    Require valid-user\n</Directory>\n")
    url = f"http://127.0.0.1:{port}/tusk/db.kdbx"
    with Serving([APACHE, "-f", f"{folder}/apache2.conf", "-DFOREGROUND"], f"http://127.0.0.1:{port}/"):
        assert curl_status("-u", "tusk:K33pass-dav", url) == "401"
        assert curl_status("--digest", "-u", "tusk:K33pass-dav", url) == "200"
    basic = config_doctor(f"{folder}/apache2.conf", "-u", "tusk:K33pass-dav")
    assert first(basic)["id"] == "scheme-mismatch" and basic["_exit"] == 1
    digest = config_doctor(f"{folder}/apache2.conf", "--digest", "-u", "tusk:K33pass-dav")
    assert digest["_exit"] == 0 and not [f for f in digest["findings"] if f["severity"] == "cause"], digest["findings"]
    assert not [f for f in config_doctor(f"{folder}/apache2.conf", "--user", "tusk", "--password", "K33pass-dav")["findings"] if f["severity"] == "cause"], \
        "--user alone asks about the login, not the scheme"


def test_a_password_that_an_address_rule_bypasses_ranks_below_the_bypass(folder):
    # Rudder's relay (https://github.com/Normation/rudder/pull/2865): `Require valid-user` beside `Require ip`, and
    # this share reads a file where the user's password differs: from the allowed network no password is checked.
    with open(os.path.join(folder, "other-users"), "w") as f:
        f.write("alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n")   # htpasswd -s, password "password"
    path = apache_site(folder, f'<Location /inventories/>\n    AuthType Basic\n    AuthName "WebDAV"\n    AuthUserFile {folder}/other-users\n'
                               f'    Require valid-user\n    Require ip 127.0.0.0/8\n</Location>')
    report = config_doctor(path, "--user", "alice", "--password", "alice-pw")
    ids = [f["id"] for f in report["findings"] if f["severity"] == "cause"]
    assert ids[0] == "config-error" and "password-file-mismatch" in ids, ids
