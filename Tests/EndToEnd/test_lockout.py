"""Lockout: 1,000 wrong passwords from one address are stopped after the configured count, and the ban holds
after a restart."""
import requests

from conftest import PrivateGateway, config


def test_ban_after_failures_survives_restart(files, upstream, jwks_url):
    with PrivateGateway(files, config(upstream, jwks_url, lockout="{ failures: 5, window: 10m, ban: 10m }")) as gateway:
        session = requests.Session()
        statuses = [session.get(gateway.url + "/basic/", auth=("alice", f"guess-{i}")).status_code for i in range(1000)]
        assert statuses[:5] == [401] * 5
        assert set(statuses[5:]) == {429}
        banned = session.get(gateway.url + "/basic/", auth=("alice", "alice-pw"))
        assert banned.status_code == 429 and int(banned.headers["Retry-After"]) > 500
        assert banned.headers["Content-Type"] == "application/problem+json"
        assert gateway.explain(banned.headers["X-Request-Id"])["reason"] == "address-banned"
        gateway.stop()
        gateway.start()
        again = requests.get(gateway.url + "/basic/", auth=("alice", "alice-pw"))
        assert again.status_code == 429, "the ban is in the store and survives a restart"
