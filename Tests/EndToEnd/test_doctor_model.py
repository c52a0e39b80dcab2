"""The configuration doctor's model of a server (what it answers to a request before any application does) against
the real server answering the same request: for each location and credential below, the status `gatehouse doctor
CONFIG URL` says the configuration sends is the status real nginx and Apache send to curl. The live rules judge
that modeled exchange, so a configuration is diagnosed as a live server would be."""
import json, os, shutil, subprocess, tempfile

import pytest

from conftest import APACHE, BINARY, NGINX, Serving, apache_htdigest, apache_prologue, free_port, htpasswd, nginx_config


def real_status(url, *args):
    return int(subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", *args, url], capture_output=True, text=True, timeout=10).stdout)


def modeled(config, url, *args):
    result = subprocess.run([BINARY, "doctor", "--json", config, url, *args], capture_output=True, text=True, timeout=30)
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert len(report["modeled"]) == 1, report["modeled"]
    return report["modeled"][0]["status"], report


def compare(config, port, paths):
    """Each path with each credential: the modeled status must be the running server's. Returns how many."""
    compared = 0
    for path in paths:
        for credential in CREDENTIALS:
            url = f"http://127.0.0.1:{port}{path}"
            status, _ = modeled(config, url, *credential)
            assert status == real_status(url, *credential), f"{path} {credential}"
            compared += 1
    return compared


@pytest.fixture
def folder():
    path = tempfile.mkdtemp(prefix="gatehouse-model-")
    os.chmod(path, 0o755)
    os.makedirs(os.path.join(path, "www"))
    for page in ("open", "a", "a/sub", "gone", "private", "bob", "bob403", "dav", "noname", "denied"):
        os.makedirs(os.path.join(path, "www", page), exist_ok=True)
        with open(os.path.join(path, "www", page, "index.html"), "w") as f:
            f.write("ok\n")
    users = os.path.join(path, "users")
    htpasswd(users, ["-c", "-B", "-C", "5"], "alice", "alice-pw")
    htpasswd(users, ["-m"], "bob", "bob-pw")
    os.chmod(users, 0o644)
    yield path
    shutil.rmtree(path, ignore_errors=True)


CREDENTIALS = [(), ("-u", "alice:alice-pw"), ("-u", "alice:wrong"), ("-u", "carol:alice-pw"), ("--digest", "-u", "alice:alice-pw"), ("-u", "bob:bob-pw")]


def test_nginx_model_answers_as_nginx_does(folder):
    port = free_port()
    site = f"""server {{ listen 127.0.0.1:{port}; root {folder}/www; index index.html;
      location /open/ {{ }}
      location /a/ {{ auth_basic "area"; auth_basic_user_file {folder}/users; location /a/sub/ {{ }} }}
      location /gone/ {{ auth_basic "gone"; auth_basic_user_file {folder}/no-such-file; }}
      location /bare/ {{ return 401; }}
      location = /exact {{ return 204; }}
    }}"""
    with open(os.path.join(folder, "nginx.conf"), "w") as f:
        f.write(nginx_config(folder, site))
    config = os.path.join(folder, "nginx.conf")
    with Serving([NGINX, "-c", config, "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/open/"):
        assert compare(config, port, ("/open/", "/a/", "/a/sub/", "/gone/", "/bare/", "/exact")) == 36


def test_apache_model_answers_as_apache_does(folder):
    port = free_port()
    apache_htdigest(os.path.join(folder, "digest"), "dav", "alice", "alice-pw", create=True)
    os.chmod(os.path.join(folder, "digest"), 0o644)
    basic = f'AuthType Basic\n    AuthName "private"\n    AuthUserFile {folder}/users\n'
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "auth_basic", "auth_digest", "dir"]
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_prologue(folder, [port], modules) + f"""DocumentRoot {folder}/www
DirectoryIndex index.html
<Directory {folder}/www>
    Require all granted
</Directory>
<Location /private/>
    {basic}    Require valid-user
</Location>
<Location /bob/>
    {basic}    Require user bob
</Location>
<Location /bob403/>
    {basic}    Require user bob
    AuthzSendForbiddenOnFailure On
</Location>
<Directory {folder}/www/dav>
    AuthType Digest
    AuthName "dav"
    AuthUserFile {folder}/digest
    Require valid-user
</Directory>
<Location /noname/>
    AuthType Basic
    AuthUserFile {folder}/users
    Require valid-user
</Location>
<Location /denied/>
    Require all denied
</Location>
""")
    config = os.path.join(folder, "apache2.conf")
    with Serving([APACHE, "-f", config, "-DFOREGROUND"], f"http://127.0.0.1:{port}/open/"):
        assert compare(config, port, ("/open/", "/private/", "/bob/", "/bob403/", "/dav/", "/noname/", "/denied/")) == 42


def test_the_live_rules_judge_the_modeled_answer(folder):
    """scheme-mismatch comes from the same rule as on a live server: Basic sent where the section takes Digest."""
    apache_htdigest(os.path.join(folder, "digest"), "dav", "alice", "alice-pw", create=True)
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(f'ServerRoot {folder}\nListen 127.0.0.1:8080\nDocumentRoot {folder}/www\n<Directory {folder}/www/dav>\n    AuthType Digest\n    AuthName "dav"\n'
                f'    AuthUserFile {folder}/digest\n    Require valid-user\n</Directory>\n')
    status, report = modeled(f"{folder}/apache2.conf", "http://127.0.0.1:8080/dav/", "-u", "alice:alice-pw")
    causes = [f for f in report["findings"] if f["severity"] == "cause"]
    assert status == 401 and causes[0]["id"] == "scheme-mismatch" and causes[0]["location"] == f"{folder}/apache2.conf:5"
    status, report = modeled(f"{folder}/apache2.conf", "http://127.0.0.1:8080/dav/", "--digest", "-u", "alice:alice-pw")
    assert status == 200 and not [f for f in report["findings"] if f["severity"] == "cause"]
