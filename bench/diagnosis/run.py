#!/usr/bin/env python3
"""Scores `gatehouse doctor` on the corpus of real cases in `scenarios/` (format: README.md).

Each scenario's set-up is started on 127.0.0.1 (a small application, nginx, Apache or Caddy; headless Chromium for a
HAR), the doctor is run on it, and its first cause is compared with the cause the public report established. Prints
one table (right first cause, right cause anywhere, false causes on healthy set-ups, per input kind) and each miss;
exits 1 when the share of right first causes of any input kind is below `--floor`, or a healthy set-up got a cause.

    python3 bench/diagnosis/run.py [--floor 0.5] [--only SUBSTRING] [--json OUT]
"""
import argparse, glob, json, os, shutil, subprocess, sys, tempfile, time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))
sys.path.insert(0, HERE)

from conftest import BINARY  # noqa: E402
from setups import Setup  # noqa: E402

KINDS = ["live", "har", "config", "logs"]


def load(only):
    scenarios = []
    for path in sorted(glob.glob(os.path.join(HERE, "scenarios", "*", "*.yaml"))):
        with open(path) as f:
            scenario = yaml.safe_load(f)
        scenario["_path"] = os.path.relpath(path, ROOT)
        problems = [field for field in ("id", "source", "kind", "expect") if not scenario.get(field)]
        if problems:
            raise SystemExit(f"{path}: missing {', '.join(problems)}")
        if scenario["kind"] not in KINDS or os.path.basename(os.path.dirname(path)) != scenario["kind"]:
            raise SystemExit(f"{path}: kind {scenario['kind']!r} does not match its folder")
        if not only or only in scenario["id"]:
            scenarios.append(scenario)
    return scenarios


def doctor(arguments):
    """`gatehouse doctor --json ARGUMENTS`: the cause ids and warnings it found, in its order, and its wall time."""
    started = time.time()
    result = subprocess.run([BINARY, "doctor", "--json", *arguments], capture_output=True, text=True, timeout=60)
    seconds = time.time() - started
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return {"error": (result.stderr or result.stdout).strip()[:300], "causes": [], "others": [], "verified": None, "seconds": seconds}
    findings = report.get("findings") or []
    causes = [f for f in findings if f.get("severity") == "cause"]
    return {
        "causes": [f["id"] for f in causes],
        "others": [f["id"] for f in findings if f.get("severity") != "cause"],
        # Whether the first cause's fix was tried on the wire: true (it got through), false (still refused), None.
        "verified": causes[0].get("verified") if causes else None,
        "seconds": seconds,
    }


def run(scenario, work):
    with Setup(scenario, work) as setup:
        return doctor(setup.doctor_arguments())


# Ids CAUSES.md makes warnings, not causes: right when the doctor's first finding, with no cause before it.
WARNING_IDS = {"basic-over-http"}


def judge(scenario, result):
    expected = scenario["expect"]
    accepted = {expected, *(scenario.get("also") or [])}
    causes = result["causes"]
    if expected in WARNING_IDS:
        warned = not causes and result["others"][:1] == [expected]
        return {"first": warned, "anywhere": expected in causes + result["others"], "false": False}
    if expected == "healthy":
        return {"first": not causes, "anywhere": not causes, "false": bool(causes)}
    return {"first": bool(causes) and causes[0] in accepted, "anywhere": bool(accepted & set(causes)), "false": False}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=0.0, help="fail when the share of right first causes of an input kind is below this")
    parser.add_argument("--only", help="only scenarios whose id contains this")
    parser.add_argument("--json", help="write every result to this file")
    options = parser.parse_args()
    scenarios = load(options.only)
    rows, misses = [], []
    for scenario in scenarios:
        work = tempfile.mkdtemp(prefix="gatehouse-case-")
        os.chmod(work, 0o755)
        try:
            result = run(scenario, work)
        except Exception as error:   # a set-up that cannot start is a miss with its reason, not a crash of the run
            result = {"error": f"set-up failed: {error}", "causes": [], "others": [], "verified": None, "seconds": 0}
        finally:
            shutil.rmtree(work, ignore_errors=True)
        verdict = judge(scenario, result)
        rows.append({"id": scenario["id"], "kind": scenario["kind"], "expect": scenario["expect"], **result, **verdict})
        if not verdict["first"]:
            misses.append(rows[-1])
    print_table(rows)
    for miss in misses:
        got = ", ".join(miss["causes"]) or "no cause"
        print(f"  miss {miss['kind']}/{miss['id']}: expected {miss['expect']}, got {got}" + (f" ({miss['error']})" if miss.get("error") else ""))
    if options.json:
        with open(options.json, "w") as f:
            json.dump(rows, f, indent=1)
    failed = False
    for kind in KINDS:
        chosen = [r for r in rows if r["kind"] == kind]
        share = sum(r["first"] for r in chosen) / len(chosen) if chosen else 1
        if share < options.floor:
            print(f"{kind}: right first cause {share:.0%} is below the floor {options.floor:.0%}")
            failed = True
    falsely = [r["id"] for r in rows if r["false"]]
    if falsely:
        print(f"a cause named on a healthy set-up: {', '.join(falsely)}")
        failed = True
    if failed:
        sys.exit(1)


def print_table(rows):
    print("| input | scenarios | healthy | right first cause | right cause anywhere | false causes on healthy | fixes verified | slowest |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for kind in KINDS + ["all"]:
        chosen = [r for r in rows if kind in ("all", r["kind"])]
        if not chosen:
            continue
        healthy = [r for r in chosen if r["expect"] == "healthy"]
        first = sum(r["first"] for r in chosen)
        anywhere = sum(r["anywhere"] for r in chosen)
        false = sum(r["false"] for r in healthy)
        slowest = max(r["seconds"] for r in chosen)
        # Of the right first causes, those whose fix the doctor sent and saw get through.
        right = [r for r in chosen if r["first"] and r["expect"] != "healthy"]
        verified = sum(r.get("verified") is True for r in right)
        print(f"| {kind} | {len(chosen)} | {len(healthy)} | {first} ({first / len(chosen):.0%}) | {anywhere} ({anywhere / len(chosen):.0%}) "
              f"| {false} of {len(healthy)} | {verified} of {len(right)} | {slowest:.2f} s |")


if __name__ == "__main__":
    main()
