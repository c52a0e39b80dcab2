#!/usr/bin/env bash
# Runs Gatehouse's benchmark and the same operations in Werkzeug on this machine, then prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product GatehouseBench >/dev/null
ours=$(.build/release/GatehouseBench)
theirs=$(python3 bench/compare.py)
echo "$ours" | while IFS=$'\t' read -r name rate; do
    other=$(echo "$theirs" | awk -F'\t' -v n="$name" '$1==n {print $2}')
    if [ -z "$other" ]; then
        printf "%-22s gatehouse %12s   (no Werkzeug equivalent)\n" "$name" "$rate"
        continue
    fi
    printf "%-22s gatehouse %12s   werkzeug %12s   ratio %.1fx\n" "$name" "$rate" "$other" "$(echo "${rate% ops/s} / ${other% ops/s}" | bc -l)"
done
