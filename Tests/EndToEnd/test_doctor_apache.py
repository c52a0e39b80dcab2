"""`gatehouse doctor` against a real Apache httpd started here on 127.0.0.1: mod_auth_basic, mod_auth_digest, a
`Require user` that fails with 401, a CGI script with and without `CGIPassAuth`, and a forward proxy asking for
Proxy-Authorization (407). Each cause must be the doctor's first finding; each working set-up gives none."""
import hashlib, os, shutil, subprocess, tempfile, time

import pytest
import requests

from conftest import APACHE, apache_basic_site, apache_prologue, doctor, first_cause, free_port


# A CGI application doing its own Basic check, as PHP or Python apps behind Apache do: it reads HTTP_AUTHORIZATION,
# which Apache hands to CGI scripts only with `CGIPassAuth On`.
CGI_APP = """#!/usr/bin/python3
import base64, json, os
header = os.environ.get("HTTP_AUTHORIZATION", "")
expected = "Basic " + base64.b64encode(b"alice:alice-pw").decode()
if header == expected:
    status, body = "200 OK", {"user": "alice"}
else:
    status, body = "401 Unauthorized", {"error": "invalid credentials"}
print("Status: " + status)
print("Content-Type: application/json")
if not status.startswith("200"):
    print('WWW-Authenticate: Basic realm="cgi-app"')
print()
print(json.dumps(body))
"""


def apache_config(folder, main, proxy):
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "auth_basic", "auth_digest",
               "cgid", "alias", "dir", "proxy", "proxy_http"]
    return apache_prologue(folder, [main, proxy], modules) + f"""LogLevel info
ScriptSock {folder}/cgid.sock
""" + apache_basic_site(folder) + f"""<Location /basic/admin/>
    Require user bob
</Location>
<Location /lost-file/>
    AuthType Basic
    AuthName "apache"
    AuthUserFile {folder}/no-such.htpasswd
    Require valid-user
</Location>
<Location /digest/>
    AuthType Digest
    AuthName "apache-digest"
    AuthDigestProvider file
    AuthUserFile {folder}/users.htdigest
    Require valid-user
</Location>
ScriptAlias /cgi/ {folder}/cgi/
ScriptAlias /cgi-pass/ {folder}/cgi/
<Directory {folder}/cgi>
    Require all granted
</Directory>
<Location /cgi-pass/>
    CGIPassAuth On
</Location>
<VirtualHost 127.0.0.1:{proxy}>
    ProxyRequests On
    <Proxy "*">
        AuthType Basic
        AuthName "corporate proxy"
        AuthBasicProvider file
        AuthUserFile {folder}/users.htpasswd
        Require valid-user
    </Proxy>
</VirtualHost>
"""


@pytest.fixture(scope="module")
def apache(files):
    folder = tempfile.mkdtemp(prefix="gatehouse-apache-")
    for path in ("www/basic/admin", "www/digest", "cgi"):
        os.makedirs(os.path.join(folder, path))
    for page in ("www/basic/index.html", "www/basic/admin/index.html", "www/digest/index.html"):
        with open(os.path.join(folder, page), "w") as f:
            f.write("ok\n")
    shutil.copy(os.path.join(files, "users.htpasswd"), folder)
    with open(os.path.join(folder, "users.htdigest"), "w") as f:
        f.write("alice:apache-digest:" + hashlib.md5(b"alice:apache-digest:alice-pw").hexdigest() + "\n")
    with open(os.path.join(folder, "cgi", "app.py"), "w") as f:
        f.write(CGI_APP)
    for root, dirs, names in os.walk(folder):
        os.chmod(root, 0o755)
        for name in names:
            os.chmod(os.path.join(root, name), 0o755 if name.endswith(".py") else 0o644)
    main, proxy = free_port(), free_port()
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_config(folder, main, proxy))
    check = subprocess.run([APACHE, "-f", f"{folder}/apache2.conf", "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([APACHE, "-f", f"{folder}/apache2.conf", "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{main}"
    for _ in range(100):
        try:
            requests.get(base + "/basic/", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        raise RuntimeError("Apache did not start: " + open(os.path.join(folder, "error.log")).read())
    yield {"url": base, "proxy": f"http://127.0.0.1:{proxy}", "folder": folder}
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def test_mod_auth_basic(apache):
    assert first_cause(doctor(apache["url"] + "/basic/")) == "no-credentials-sent"
    assert first_cause(doctor("-u", "alice:wrong", apache["url"] + "/basic/")) == "credentials-rejected"
    working = doctor("-u", "alice:alice-pw", apache["url"] + "/basic/")
    assert working["outcome"] == "authorized" and first_cause(working) is None and working["_exit"] == 0


def test_mod_auth_digest(apache):
    report = doctor("-u", "alice:alice-pw", apache["url"] + "/digest/")
    assert first_cause(report) == "scheme-mismatch", "Basic sent where Apache offers Digest only"
    assert "--digest" in report["findings"][0]["corrected_request"]
    assert first_cause(doctor("--digest", "-u", "alice:wrong", apache["url"] + "/digest/")) == "credentials-rejected"
    working = doctor("--digest", "-u", "alice:alice-pw", apache["url"] + "/digest/")
    assert working["outcome"] == "authorized" and first_cause(working) is None


def test_password_file_missing(apache):
    report = doctor("-u", "alice:alice-pw", apache["url"] + "/lost-file/")
    assert report["outcome"] == "status-500", "Apache answers 500 (AH01620) when AuthUserFile is missing"
    assert first_cause(report) == "password-file-error"


def test_require_user_failing_with_401(apache):
    report = doctor("-u", "alice:alice-pw", apache["url"] + "/basic/admin/")
    assert report["outcome"] == "unauthorized"
    assert first_cause(report) == "forbidden-sent-as-401"
    assert "credentials-rejected" not in [f["id"] for f in report["findings"]], "the password is right; do not say it is wrong"
    working = doctor("-u", "bob:bob-pw", apache["url"] + "/basic/admin/")
    assert working["outcome"] == "authorized" and first_cause(working) is None


def test_cgi_without_cgipassauth(apache):
    report = doctor("-u", "alice:alice-pw", apache["url"] + "/cgi/app.py")
    assert first_cause(report) == "authorization-not-passed-to-app"
    assert "CGIPassAuth" in report["findings"][0]["fix"]
    working = doctor("-u", "alice:alice-pw", apache["url"] + "/cgi-pass/app.py")
    assert working["outcome"] == "authorized" and first_cause(working) is None


def test_forward_proxy_asks_for_proxy_credentials(apache):
    target = apache["url"] + "/basic/"
    report = doctor("-x", apache["proxy"], "-u", "alice:alice-pw", target)
    assert report["outcome"] == "proxy-authentication-required"
    assert first_cause(report) == "proxy-authentication-required"
    working = doctor("-x", apache["proxy"], "--proxy-user", "bob:bob-pw", "-u", "alice:alice-pw", target)
    assert working["outcome"] == "authorized" and first_cause(working) is None
    assert "bob-pw" not in str(working) and "alice-pw" not in str(working)
