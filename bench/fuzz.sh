#!/usr/bin/env bash
# Fuzzes every reader of input from strangers with libFuzzer and AddressSanitizer: the authentication header grammar,
# Basic and Digest credentials, JWTs, HAR files, access and error log lines, nginx and Apache configurations, and the
# gateway's request target, Host and return-URL checks (bench/Fuzz/Fuzz.swift). Each target runs RUNS inputs
# (default 1,000,000), seeded from the test fixtures (bench/fuzz_seeds.py); a crash or a hang (10 s) leaves its
# input in bench/out/fuzz/TARGET/ — make each one a fixture of the unit tests.
#   bench/fuzz.sh [RUNS] [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-1000000}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(auth-header credentials jwt har log-lines nginx-config apache-config request-target)
export GATEHOUSE_FUZZ=1
# The package manager gives every executable its own main, which collides with libFuzzer's (-sanitize=fuzzer): the
# Swift code is instrumented for coverage instead, and libFuzzer's library without its main is linked, whose driver
# bench/Fuzz/main.swift calls (LLVMFuzzerRunDriver).
LIBFUZZER=$(ls /opt/swift/usr/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a "$(dirname "$(dirname "$(command -v swift)")")"/lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1)
[ -n "$LIBFUZZER" ] || { echo "libclang_rt.fuzzer_no_main not found beside the Swift toolchain" >&2; exit 1; }
FLAGS=(--scratch-path .build-fuzz -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp
       -Xswiftc -enable-testing -Xlinker "$LIBFUZZER" -Xlinker -lstdc++)
swift build "${FLAGS[@]}" --product GatehouseFuzz >/dev/null
BIN="$(swift build "${FLAGS[@]}" --show-bin-path)/GatehouseFuzz"
OUT=bench/out/fuzz
python3 bench/fuzz_seeds.py "$OUT"
printf '%-15s %10s %8s %7s %s\n' target inputs seconds corpus result
for target in "${TARGETS[@]}"; do
    mkdir -p "$OUT/$target/corpus"
    started=$(date +%s)
    status=0
    # Leak detection is off: Foundation's FileManager.contents(atPath:) leaked one 4 KiB read buffer in a million
    # reads of configuration files (2026-12-02), which is not ours to fix and would end every config run.
    GATEHOUSE_FUZZ_TARGET=$target "$BIN" -runs="$RUNS" -timeout=10 -max_len=8192 -rss_limit_mb=4096 -detect_leaks=0 \
        -artifact_prefix="$OUT/$target/" "$OUT/$target/corpus" "$OUT/seeds/$target" >"$OUT/$target/log" 2>&1 || status=$?
    done_line=$(grep -E "^#[0-9]+.*DONE|^Done [0-9]+ runs" "$OUT/$target/log" | tail -1 || true)
    inputs=$(echo "$done_line" | grep -oE "^#[0-9]+|Done [0-9]+" | grep -oE "[0-9]+" || echo "?")
    result=$([ $status -eq 0 ] && echo "no crash, no hang" || echo "FOUND: $(ls "$OUT/$target" | grep -E '^(crash|timeout|oom|leak)-' | head -3 | tr '\n' ' ')")
    printf '%-15s %10s %8s %7s %s\n' "$target" "$inputs" "$(( $(date +%s) - started ))" "$(ls "$OUT/$target/corpus" | wc -l)" "$result"
done
