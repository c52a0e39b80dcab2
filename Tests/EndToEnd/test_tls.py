"""TLS termination: HTTPS with a certificate from the config, HSTS, the plain-HTTP redirect listener, and a
certificate replaced on disk picked up without a restart."""
import os, shutil, socket, ssl, subprocess, tempfile, time

import requests

from conftest import Gateway


def make_certificate(folder, name):
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", os.path.join(folder, "key.pem"), "-out", os.path.join(folder, "cert.pem")],
        check=True, capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_certificate(port):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw) as tls:
        return tls.getpeercert(binary_form=True)


def test_https_hsts_redirect_and_certificate_reload(files, upstream):
    folder = tempfile.mkdtemp(prefix="gatehouse-tls-")
    shutil.copy(os.path.join(files, "users.htpasswd"), folder)
    make_certificate(folder, "first")
    plain = free_port()
    gateway = Gateway(folder, f"""
upstream: {upstream}
tls: {{ certificate: cert.pem, key: key.pem, redirect_http: 127.0.0.1:{plain}, hsts: 1d }}
routes:
  - path: /
    schemes: [basic]
    users: users.htpasswd
""")
    try:
        port = int(gateway.url.rsplit(":", 1)[1])
        cert = os.path.join(folder, "cert.pem")
        response = requests.get(f"https://127.0.0.1:{port}/x", auth=("alice", "alice-pw"), verify=cert)
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"] == "max-age=86400"
        assert response.json()["headers"]["x-forwarded-proto"] == "https"
        refused = requests.get(f"https://127.0.0.1:{port}/x", verify=cert)
        assert refused.status_code == 401
        redirect = requests.get(f"http://127.0.0.1:{plain}/x?y=1", auth=("alice", "alice-pw"), allow_redirects=False)
        assert redirect.status_code == 308
        assert redirect.headers["Location"] == f"https://127.0.0.1:{port}/x?y=1"
        first = served_certificate(port)
        make_certificate(folder, "second")
        time.sleep(1.5)
        assert served_certificate(port) != first, "a new certificate on disk is served to new connections"
    finally:
        gateway.stop()
        shutil.rmtree(folder, ignore_errors=True)
