#!/usr/bin/env bash
# Log benchmark: `gatehouse logs` (the full report) against GoAccess (its full report) and against counting 401s
# with `grep -c` and `awk`, on the same generated combined log (bench/generate_log.py, about SIZE_MB), in one run.
# Prints wall time, throughput, peak memory and the ratios the issue asks for (at least 10x GoAccess, at least
# half of grep -c, under 200 MB). The file is read once before timing so every tool reads from the page cache.
#   bench/logs.sh [SIZE_MB, default 1024]
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${1:-1024}
source bench/servers.sh
ensure_packages goaccess time gawk grep python3 libcrypt-dev libsqlite3-dev zlib1g-dev
swift build -c release --product gatehouse >/dev/null
GATEHOUSE="$(swift build -c release --show-bin-path)/gatehouse"
W=$(mktemp -d /tmp/gatehouse-bench-logs.XXXXXX)
trap 'rm -rf "$W"' EXIT
LOG="$W/access.log"
python3 bench/generate_log.py "$LOG" "$SIZE"
BYTES=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null

# measure NAME COMMAND… → "seconds peak_kb"
measure() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$W/$name.time" "$@" > "$W/$name.out" 2>/dev/null
    cat "$W/$name.time"
}
read -r g_s g_kb <<<"$(measure gatehouse "$GATEHOUSE" logs --json "$LOG")"
read -r a_s a_kb <<<"$(measure goaccess goaccess "$LOG" --log-format=COMBINED --no-progress -o "$W/goaccess.json")"
read -r c_s c_kb <<<"$(measure grep grep -c '" 401 ' "$LOG")"
read -r k_s k_kb <<<"$(measure awk awk '$9 == 401 { n++ } END { print n }' "$LOG")"

python3 - "$BYTES" "$W" "$g_s" "$g_kb" "$a_s" "$a_kb" "$c_s" "$c_kb" "$k_s" "$k_kb" <<'PY'
import json, sys
size, folder = int(sys.argv[1]), sys.argv[2]
runs = {"gatehouse logs (full report)": (float(sys.argv[3]), int(sys.argv[4])), "goaccess (full report)": (float(sys.argv[5]), int(sys.argv[6])),
        "grep -c (401s only)": (float(sys.argv[7]), int(sys.argv[8])), "awk (401s only)": (float(sys.argv[9]), int(sys.argv[10]))}
ours = runs["gatehouse logs (full report)"][0]
print(f"input: {size / 2**20:.0f} MiB combined log")
print(f"{'tool':32} {'seconds':>8} {'MiB/s':>8} {'peak MiB':>9} {'gatehouse speed / tool speed':>29}")
for name, (seconds, kb) in runs.items():
    print(f"{name:32} {seconds:>8.2f} {size / 2**20 / max(seconds, 0.01):>8.0f} {kb / 1024:>9.0f} {max(seconds, 0.01) / max(ours, 0.01):>29.2f}")
report = json.load(open(f"{folder}/gatehouse.out"))
grep_count = int(open(f"{folder}/grep.out").read())
awk_count = int(open(f"{folder}/awk.out").read())
print(f"401s counted: gatehouse {report['status']['401']}, grep -c {grep_count}, awk {awk_count}")
PY
