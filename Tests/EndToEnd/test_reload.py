"""Reloading without a restart: a user file edited by Apache's htpasswd, and a config changed with SIGHUP. Also
groups and a static folder."""
import os, shutil, signal, tempfile, time

import requests

from conftest import Gateway, htpasswd, until


def test_user_file_and_config_reload(files, upstream):
    folder = tempfile.mkdtemp(prefix="gatehouse-reload-")
    shutil.copy(os.path.join(files, "users.htpasswd"), folder)
    os.makedirs(os.path.join(folder, "public", "files"))
    with open(os.path.join(folder, "public", "files", "index.html"), "w") as f:
        f.write("static hello\n")
    with open(os.path.join(folder, "groups"), "w") as f:
        f.write("staff: alice\n")
    base = f"""
upstream: {upstream}
lockout: {{ failures: 0 }}
routes:
  - path: /app/
    schemes: [basic]
    users: users.htpasswd
  - path: /staff/
    schemes: [basic]
    users: users.htpasswd
    groups: groups
    require: {{ groups: [staff] }}
  - path: /files/
    schemes: [basic]
    users: users.htpasswd
    static: public
"""
    gateway = Gateway(folder, base)
    try:
        users = os.path.join(folder, "users.htpasswd")
        assert requests.get(gateway.url + "/app/", auth=("dave", "dave-pw")).status_code == 401
        htpasswd(users, ["-B", "-C", "5"], "dave", "dave-pw")
        assert until(lambda: requests.get(gateway.url + "/app/", auth=("dave", "dave-pw")).status_code == 200)
        htpasswd(users, ["-B", "-C", "5"], "dave", "new-pw")
        assert until(lambda: requests.get(gateway.url + "/app/", auth=("dave", "dave-pw")).status_code == 401), \
            "a cached success does not outlive a password change"

        assert requests.get(gateway.url + "/staff/", auth=("alice", "alice-pw")).status_code == 200
        assert requests.get(gateway.url + "/staff/", auth=("bob", "bob-pw")).status_code == 403
        served = requests.get(gateway.url + "/files/", auth=("alice", "alice-pw"))
        assert served.status_code == 200 and served.text == "static hello\n"
        missing = requests.get(gateway.url + "/files/missing.txt", auth=("alice", "alice-pw"))
        assert missing.status_code == 404, "a missing file is the folder's 404, not a gateway failure"

        assert requests.get(gateway.url + "/open/").status_code == 404
        with open(gateway.config, "a") as f:
            f.write("  - path: /open/\n    public: true\n")
        gateway.process.send_signal(signal.SIGHUP)
        assert until(lambda: requests.get(gateway.url + "/open/").status_code == 200)
        with open(gateway.config, "a") as f:
            f.write("  - path: /broken/\n    schemes: [nonsense]\n")
        gateway.process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert requests.get(gateway.url + "/open/").status_code == 200, "a broken config keeps the running one"
    finally:
        gateway.stop()
        shutil.rmtree(folder, ignore_errors=True)
