#!/usr/bin/env bash
# Doctor wall time: `gatehouse doctor` (all its probes) against local nginx auth_basic and Apache set-ups, next to
# one `curl` of the same request, in one run. Prints the median and worst wall time over N runs, the requests the
# doctor sent, and the ratio to curl. The issue's aim: a local URL diagnosed in under one second.
#   bench/doctor.sh [runs per scenario, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-20}
source bench/servers.sh
ensure_packages nginx apache2 apache2-utils curl libcrypt-dev libsqlite3-dev
swift build -c release --product gatehouse >/dev/null
GATEHOUSE="$(swift build -c release --show-bin-path)/gatehouse"

make_workspace doctor

mkdir -p "$W/www/basic/admin"
echo ok > "$W/www/basic/index.html"; echo ok > "$W/www/basic/admin/index.html"
htpasswd -cbB -C 5 "$W/users" alice alice-pw 2>/dev/null
htpasswd -bB -C 5 "$W/users" bob bob-pw 2>/dev/null
chmod -R a+rX "$W"

start_nginx 1 "    server {
        listen 127.0.0.1:18680;
        root $W/www;
        location /basic/ { auth_basic \"bench\"; auth_basic_user_file $W/users; }
    }"
start_apache 18681 "<Location /basic/>
    AuthType Basic
    AuthName \"bench\"
    AuthUserFile \"$W/users\"
    Require valid-user
</Location>
<Location /basic/admin/>
    Require user bob
</Location>"
for port in 18680 18681; do
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
done

GATEHOUSE="$GATEHOUSE" RUNS="$RUNS" python3 - <<'PY'
import json, os, statistics, subprocess, time
runs, binary = int(os.environ["RUNS"]), os.environ["GATEHOUSE"]
scenarios = [
    ("nginx, no credential", ["http://127.0.0.1:18680/basic/"]),
    ("nginx, wrong password", ["-u", "alice:wrong", "http://127.0.0.1:18680/basic/"]),
    ("nginx, working", ["-u", "alice:alice-pw", "http://127.0.0.1:18680/basic/"]),
    ("apache, Require user (401)", ["-u", "alice:alice-pw", "http://127.0.0.1:18681/basic/admin/"]),
    ("apache, working", ["-u", "bob:bob-pw", "http://127.0.0.1:18681/basic/admin/"]),
]
def timed(command):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
    return times, result
print(f"{'scenario':30} {'first cause':32} {'requests':>8} {'median ms':>10} {'worst ms':>9} {'curl ms':>8} {'ratio':>6}")
for name, args in scenarios:
    doctor, result = timed([binary, "doctor", "--json", *args])
    report = json.loads(result.stdout)
    causes = [f["id"] for f in report["findings"] if f["severity"] == "cause"]
    curl, _ = timed(["curl", "-s", "-o", "/dev/null", *args])
    d, c = statistics.median(doctor) * 1000, statistics.median(curl) * 1000
    print(f"{name:30} {(causes[0] if causes else '-'):32} {len(report['exchanges']):>8} {d:>10.1f} {max(doctor) * 1000:>9.1f} {c:>8.1f} {d / c:>6.1f}")
PY
