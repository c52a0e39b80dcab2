"""`gatehouse doctor URL` on a loopback URL served by a real nginx or Apache on this machine: the doctor finds the
server by its listening socket, reads the configuration its command line names, and ranks what that configuration
does to this request (and only this one) with what the wire showed. Each set-up is a report's: Home Assistant behind
nginx with `proxy_set_header Authorization ""` (https://github.com/home-assistant/core/issues/16306), and Apache's
`Require user` that leaves out a user whose password is right
(https://geeksrepos.com/cambridgeuniversity/mod_ucam_webauth/issues/16)."""
import os

import pytest

from conftest import APACHE, NGINX, Serving, apache_prologue, doctor, first_cause, free_port, header_checking_app, htpasswd, nginx_config, serve

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJoYSJ9.c2lnbmF0dXJl"


@pytest.fixture
def folder(server_folder):
    return server_folder


# An API that checks the bearer token itself and answers a bare 401 text, as Home Assistant does.
BearerAPI = header_checking_app("Authorization", f"Bearer {TOKEN}", b'{"state":"on"}', b"401: Unauthorized")


def test_nginx_that_blanks_authorization_is_named_from_its_configuration(folder):
    port = free_port()
    for api in serve(BearerAPI):
        site = (f"server {{ listen 127.0.0.1:{port};\n"
                f"  location /api/ {{ proxy_pass {api}; proxy_set_header Authorization \"\"; }}\n"
                f"  location /direct/ {{ proxy_pass {api}/api/; }}\n"
                f"  location = /ready {{ return 200; }}\n}}")
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(nginx_config(folder, site))
        with Serving([NGINX, "-c", f"{folder}/nginx.conf", "-p", f"{folder}/", "-g", "daemon off;"], f"http://127.0.0.1:{port}/ready"):
            broken = doctor("--oauth2-bearer", TOKEN, f"http://127.0.0.1:{port}/api/states")
            working = doctor("--oauth2-bearer", TOKEN, f"http://127.0.0.1:{port}/direct/states")
    assert first_cause(broken) == "authorization-not-passed-to-app", broken["findings"]
    cause = broken["findings"][0]
    line = next(n for n, text in enumerate(open(f"{folder}/nginx.conf"), 1) if "proxy_set_header Authorization" in text)
    assert cause["location"] == f"{folder}/nginx.conf:{line}", "the proxy_set_header line"
    assert any(f"{folder}/nginx.conf" in line and "port" in line for line in cause["evidence"]), "it says which configuration it read"
    assert working["_exit"] == 0 and first_cause(working) is None, "the other location does not inherit the finding"


def test_apache_require_user_that_leaves_out_a_right_password_is_named(folder):
    port = free_port()
    os.makedirs(os.path.join(folder, "www", "private"))
    with open(os.path.join(folder, "www", "private", "index.html"), "w") as f:
        f.write("private\n")
    users = os.path.join(folder, "users")
    htpasswd(users, ["-c", "-B", "-C", "5"], "alice", "secret")
    htpasswd(users, ["-B", "-C", "5"], "bob", "bobs-password")
    os.chmod(users, 0o644)
    modules = ["mpm_event", "authn_core", "authn_file", "authz_core", "authz_user", "auth_basic", "dir"]
    with open(os.path.join(folder, "apache2.conf"), "w") as f:
        f.write(apache_prologue(folder, [port], modules) + f"DocumentRoot {folder}/www\n<Directory {folder}/www>\n    Require all granted\n</Directory>\n"
                f"<Location /private/>\n    AuthType Basic\n    AuthName \"Private\"\n    AuthUserFile {users}\n    Require user bob\n</Location>\n")
    with Serving([APACHE, "-f", f"{folder}/apache2.conf", "-DFOREGROUND"], f"http://127.0.0.1:{port}/"):
        alice = doctor("-u", "alice:secret", f"http://127.0.0.1:{port}/private/")
        wrong = doctor("-u", "alice:not-her-password", f"http://127.0.0.1:{port}/private/")
        bob = doctor("-u", "bob:bobs-password", f"http://127.0.0.1:{port}/private/")
    assert first_cause(alice) == "forbidden-sent-as-401", alice["findings"]
    assert "credentials-rejected" not in [f["id"] for f in alice["findings"]], "the file accepts her password: not a wrong password"
    assert first_cause(wrong) == "credentials-rejected"
    assert bob["_exit"] == 0 and first_cause(bob) is None
