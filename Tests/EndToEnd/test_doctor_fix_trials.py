"""The live doctor tries a client-side fix once and says whether it got through (issue 12, "advice that is proved
where it can be"): the same credential reshaped, never another password. A fix that does not work for this server
is said to be refused, and the server-side half of the fix is given instead."""
import base64, os, tempfile

import pytest

from conftest import NGINX, Serving, doctor, free_port, header_checking_app, nginx_config, serve

GOOD = base64.b64encode(b"router:Xu7aeGh2quee").decode()


# A dynamic DNS update endpoint: Basic, exact bytes (openwrt/packages#27693), no challenge on refusal.
DynDNS = header_checking_app("Authorization", "Basic " + GOOD, b"good 203.0.113.7\n", b"badauth\n")

# An application that trusts the identity header its proxy sets, by its underscored name only (as JupyterHub's
# REMOTE_USER authenticator reads it).
RemoteUserApp = header_checking_app("REMOTE_USER", "jdoe")


@pytest.fixture(scope="module")
def dyndns():
    yield from serve(DynDNS)


@pytest.fixture(scope="module")
def remote_user_app():
    """The application behind Debian's nginx with its defaults, which drop header names with an underscore."""
    for app in serve(RemoteUserApp):
        folder = tempfile.mkdtemp(prefix="gatehouse-trial-")
        port = free_port()
        with open(os.path.join(folder, "nginx.conf"), "w") as f:
            f.write(nginx_config(folder, f"server {{ listen 127.0.0.1:{port}; location / {{ proxy_pass {app}; }} }}"))
        with Serving([NGINX, "-c", os.path.join(folder, "nginx.conf"), "-g", "daemon off;"], f"http://127.0.0.1:{port}/ready"):
            yield f"http://127.0.0.1:{port}"


def first(report):
    return next(f for f in report["findings"] if f["severity"] == "cause")


def test_a_newline_in_hand_made_base64_is_trimmed_and_the_fix_verified(dyndns):
    with_newline = base64.b64encode(b"router:Xu7aeGh2quee\n").decode()
    report = doctor("-H", "Authorization: Basic " + with_newline, dyndns + "/nic/update")
    finding = first(report)
    assert finding["id"] == "credential-has-whitespace"
    assert finding["verified"] is True and "→ 200" in finding["verification"]
    assert "Xu7aeGh2quee" not in str(report), "the secret is never in the report"


def test_a_rename_the_application_does_not_read_is_refuted_and_the_server_fix_given(remote_user_app):
    report = doctor("-H", "REMOTE_USER: jdoe", remote_user_app + "/hub/login")
    finding = first(report)
    assert finding["id"] == "underscore-header-dropped"
    assert finding["verified"] is False
    assert "underscores_in_headers on" in finding["fix"]


def test_a_request_that_works_gets_no_trial(dyndns):
    report = doctor("-H", "Authorization: Basic " + GOOD, dyndns + "/nic/update")
    assert report["outcome"] == "authorized" and all(f["verified"] is None for f in report["findings"])
