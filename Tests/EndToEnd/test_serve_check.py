"""`gatehouse serve --check`, the gateway's `nginx -t`: exit 0 when the gateway would start, 1 when not, with the file
and line or the thing to fix; what it would serve; warnings for set-ups that start but refuse everyone. Users made by
Apache's own htpasswd/htdigest, certificates by Python's cryptography (what certbot is built on), as an operator makes them."""
import datetime, os, shutil, subprocess, tempfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from conftest import BINARY, apache_htdigest, htpasswd


def check(folder, config):
    path = os.path.join(folder, "gatehouse.yaml")
    with open(path, "w") as f:
        f.write(config)
    result = subprocess.run([BINARY, "serve", "--check", "--config", path], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "NO_COLOR": "1"})
    return result.returncode, result.stdout + result.stderr


def certificate(folder, days=30, name="cert"):
    """A self-signed P-256 certificate for 127.0.0.1 valid from an hour ago for `days` more days; negative days make one
    that has already expired (openssl 3.0's `req` cannot: it refuses negative -days and has no -not_after)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    start = now - datetime.timedelta(days=60) if days < 0 else now - datetime.timedelta(hours=1)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(now + datetime.timedelta(days=days))
            .sign(key, hashes.SHA256()))
    with open(os.path.join(folder, name + ".pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(os.path.join(folder, name + ".key"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


@pytest.fixture
def site():
    folder = tempfile.mkdtemp(prefix="gatehouse-check-")
    htpasswd(os.path.join(folder, "users.htpasswd"), ["-c", "-B", "-C", "5"], "alice", "alice-pw")
    apache_htdigest(os.path.join(folder, "users.htdigest"), "Example", "alice", "alice-pw", create=True)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


GOOD = """
listen: 127.0.0.1:8080
store: sqlite:state.sqlite
realm: Example
users: users.htpasswd
digest_users: users.htdigest
metrics: { path: /metrics }
routes:
  - path: /admin/
    schemes: [digest, basic]
    require: { users: [alice] }
  - path: /
    public: true
"""


def test_a_good_config_passes_and_says_what_it_serves(site):
    status, out = check(site, GOOD)
    assert status == 0, out
    assert "syntax is ok" in out and "test is successful" in out
    assert "http://127.0.0.1:8080/" in out
    assert "/admin/: digest SHA-256/MD5" in out and 'realm "Example"' in out and "users alice" in out
    assert "/metrics: Prometheus metrics" in out
    assert "offers Basic over plain HTTP" in out, "the doctor's warning about Basic without TLS"
    assert os.path.exists(os.path.join(site, "state.sqlite")), "the store is opened as serve opens it"


def test_where_spans_go_is_said_and_a_bad_collector_url_fails_with_its_line(site):
    status, out = check(site, GOOD.replace("routes:", "tracing: { endpoint: http://127.0.0.1:4318, sample_ratio: 0.5 }\nroutes:", 1))
    assert status == 0, out
    assert "spans to http://127.0.0.1:4318/v1/traces (OTLP/HTTP, service gatehouse, 50% of new traces)" in out
    status, out = check(site, GOOD.replace("routes:", "tracing: { endpoint: 127.0.0.1:4317 }\nroutes:", 1))
    assert status == 1 and "gatehouse.yaml:8: tracing.endpoint" in out, out


def test_a_config_mistake_fails_with_its_line(site):
    broken = GOOD.replace("metrics: { path: /metrics }", "lockout: { failures: many }")
    line = broken.split("\n").index("lockout: { failures: many }") + 1
    status, out = check(site, broken)
    assert status == 1, out
    assert "test failed" in out and f"gatehouse.yaml:{line}:" in out and "failures" in out
    assert "syntax is ok" not in out


def test_a_missing_user_file_fails(site):
    os.remove(os.path.join(site, "users.htdigest"))
    status, out = check(site, GOOD)
    assert status == 1 and "users.htdigest" in out and "test failed" in out, out


def test_digest_users_of_another_realm_are_named(site):
    """htdigest hashes the realm with the password: a file made for realm Example logs nobody into realm Staff."""
    status, out = check(site, GOOD.replace("realm: Example", "realm: Staff"))
    assert status == 0, out
    assert 'no user is in the realm "Staff"' in out and '"Example"' in out


def test_required_users_missing_from_the_files_are_named(site):
    status, out = check(site, GOOD.replace("users: [alice]", "users: [alice, bob]"))
    assert status == 0 and "require users bob" in out and "can never pass" in out, out


def test_clear_text_passwords_are_named(site):
    htpasswd(os.path.join(site, "users.htpasswd"), ["-p"], "carol", "carol-pw")
    status, out = check(site, GOOD)
    assert status == 0 and "clear text for carol" in out, out


def test_an_unreachable_store_fails(site):
    status, out = check(site, GOOD.replace("sqlite:state.sqlite", "postgres://gatehouse@127.0.0.1:1/gatehouse?sslmode=disable"))
    assert status == 1 and "store" in out and "test failed" in out, out


def test_an_unreachable_jwks_url_fails(site):
    status, out = check(site, GOOD + """
  - path: /api/
    schemes: [bearer]
    jwt: { jwks_url: "http://127.0.0.1:1/jwks.json" }
""")
    assert status == 1 and "127.0.0.1:1" in out, out


def test_certificates_are_checked_as_the_tls_listener_would(site):
    tls = GOOD.replace("routes:", "tls: { certificate: cert.pem, key: cert.key }\nroutes:")
    certificate(site, days=90)
    status, out = check(site, tls)
    assert status == 0 and "https://127.0.0.1:8080/" in out, out
    assert "Basic over plain HTTP" not in out

    certificate(site, days=5)
    status, out = check(site, tls)
    assert status == 0 and "the certificate expires on" in out, out

    certificate(site, days=-1)
    status, out = check(site, tls)
    assert status == 1 and "expired" in out, out

    # The key of another certificate.
    certificate(site, days=90)
    certificate(site, days=90, name="other")
    status, out = check(site, tls.replace("key: cert.key", "key: other.key"))
    assert status == 1 and "cannot be used" in out, out


def test_the_packaged_example_config_parses():
    """packaging/gatehouse.yaml, with its paths moved to a temporary folder: what the .deb installs is valid."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    folder = tempfile.mkdtemp(prefix="gatehouse-check-package-")
    try:
        text = open(os.path.join(root, "packaging", "gatehouse.yaml")).read()
        text = text.replace("/var/lib/gatehouse/", folder + "/")
        for name in ("users.htpasswd", "users.htdigest"):
            open(os.path.join(folder, name), "w").close()
        status, out = check(folder, text)
        assert status == 0, out
        assert "/gatehouse/: session" in out and "every login is refused" in out, "empty user files are named"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
