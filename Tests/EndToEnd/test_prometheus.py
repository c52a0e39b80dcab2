"""The alert rules the package ships (packaging/prometheus/gatehouse-alerts.yml), where operators already look: checked
and unit-tested by Debian's promtool, then loaded by a real Prometheus (Debian's `prometheus`) that scrapes a running
gateway until the 401-spike and ban-storm alerts fire.

The real Prometheus evaluates a copy of the rules whose group interval and `for:` durations are cut to seconds, so the
test takes under a minute instead of the 2-3 minutes the shipped timings need; the expressions are the shipped ones,
and the shipped timings are what promtool's unit tests (gatehouse-alerts.test.yml) check."""
import os, re, shutil, socket, subprocess, tempfile, time

import pytest
import requests

from conftest import PrivateGateway, until

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "packaging", "prometheus", "gatehouse-alerts.yml")
RULE_TESTS = os.path.join(ROOT, "packaging", "prometheus", "gatehouse-alerts.test.yml")


def ensure_prometheus():
    if shutil.which("prometheus") and shutil.which("promtool"):
        return
    subprocess.run(["apt-get", "install", "-y", "-qq", "prometheus"], check=True, capture_output=True,
                   env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_promtool_checks_and_unit_tests_pass():
    ensure_prometheus()
    check = subprocess.run(["promtool", "check", "rules", RULES], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS" in check.stdout
    tests = subprocess.run(["promtool", "test", "rules", RULE_TESTS], capture_output=True, text=True, cwd=os.path.dirname(RULES))
    assert tests.returncode == 0, tests.stdout + tests.stderr


@pytest.fixture
def prometheus_for():
    """Starts Prometheus scraping a gateway every second with the shipped rules, timings cut to seconds."""
    ensure_prometheus()
    folder = tempfile.mkdtemp(prefix="gatehouse-prometheus-")
    processes = []

    def start(gateway_url):
        rules = open(RULES).read()
        rules = re.sub(r"interval: \d+[smh]", "interval: 1s", rules)
        rules = re.sub(r"for: \d+[smh]", "for: 5s", rules)
        with open(os.path.join(folder, "rules.yml"), "w") as f:
            f.write(rules)
        target = gateway_url.split("://", 1)[1]
        with open(os.path.join(folder, "prometheus.yml"), "w") as f:
            f.write(f"""
global: {{ scrape_interval: 1s, evaluation_interval: 1s }}
rule_files: [rules.yml]
scrape_configs:
  - job_name: gatehouse
    metrics_path: /metrics
    static_configs: [{{ targets: ["{target}"] }}]
""")
        port = free_port()
        process = subprocess.Popen(
            ["prometheus", "--config.file", os.path.join(folder, "prometheus.yml"), "--storage.tsdb.path", os.path.join(folder, "data"),
             f"--web.listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "prometheus.log"), "w"))
        processes.append(process)
        url = f"http://127.0.0.1:{port}"
        assert until(lambda: answers(url + "/-/ready") if process.poll() is None else False, 30), open(os.path.join(folder, "prometheus.log")).read()
        assert until(lambda: any(t["health"] == "up" for t in requests.get(url + "/api/v1/targets").json()["data"]["activeTargets"]), 20), \
            "Prometheus cannot scrape the gateway's /metrics"
        return url

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


def answers(url):
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False


def alerts(url):
    return requests.get(url + "/api/v1/alerts").json()["data"]["alerts"]


def firing(url, name):
    return [a for a in alerts(url) if a["labels"]["alertname"] == name and a["state"] == "firing"]


CONFIG = """
listen: 127.0.0.1:0
realm: Example
users: users.htpasswd
trusted_proxies: [127.0.0.1/32]
lockout: { failures: 3, window: 10m, ban: 10m }
metrics: { path: /metrics }
routes:
  - path: /admin/
    schemes: [basic]
  - path: /
    public: true
"""


def test_a_401_spike_fires_and_a_ban_storm_too(files, prometheus_for):
    with PrivateGateway(files, CONFIG) as gateway:
        url = prometheus_for(gateway.url)
        # Quiet first: public pages only, nothing unauthorized, no alert.
        for _ in range(20):
            requests.get(gateway.url + "/")
        time.sleep(3)
        assert not [a for a in alerts(url) if a["labels"]["alertname"] in ("GatehouseUnauthorizedSpike", "GatehouseBanStorm")]

        # The spike: 401s without credentials, a few hundred in some seconds, from addresses that are never banned
        # (a missing credential is not a failed guess).
        session = requests.Session()
        deadline = time.time() + 60
        while time.time() < deadline and not firing(url, "GatehouseUnauthorizedSpike"):
            for _ in range(50):
                assert session.get(gateway.url + "/admin/").status_code == 401
            time.sleep(0.2)
        spike = firing(url, "GatehouseUnauthorizedSpike")
        assert spike, alerts(url)
        assert spike[0]["labels"]["reason"] == "no-credentials" and spike[0]["labels"]["route"] == "/admin/"
        assert "gatehouse explain" in spike[0]["annotations"]["description"]

        # The ban storm: 12 addresses (behind the trusted proxy) each guess 3 times at a user of their own, and are banned.
        for client in range(12):
            for _ in range(3):
                session.get(gateway.url + "/admin/", auth=(f"user{client}", "wrong"), headers={"X-Forwarded-For": f"198.51.100.{client + 1}"})
        metrics = requests.get(gateway.url + "/metrics").text
        assert re.search(r'gatehouse_bans_total\{kind="address"\} 12(\.0)?$', metrics, re.M), metrics
        assert re.search(r"^gatehouse_store_up 1(\.0)?$", metrics, re.M), metrics
        assert until(lambda: firing(url, "GatehouseBanStorm"), 40), alerts(url)
