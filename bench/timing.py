#!/usr/bin/env python3
"""User enumeration by timing: does an unknown user cost what a known user with a wrong password costs?

Starts `gatehouse serve` (the binary in $GATEHOUSE_BIN, else the release build) twice on 127.0.0.1, protecting a
route with Basic over an htpasswd file of `$apr1$` users made by `openssl passwd -apr1` (the format Apache's htpasswd
writes with -m): once with 20 users, once with 10,000. For each it sends N requests as an existing user with a wrong
password and N as a user that does not exist, interleaved at random over one keep-alive connection each, and prints
the medians, their difference and Welch's t-test. Lockout is off, so every request is a full check.

    bench/timing.py [N, default 1500]

No timing is asserted anywhere: the figures go to bench/RESULTS.md by hand, with the command that made them.
"""
import http.client, math, os, random, re, secrets, shutil, statistics, subprocess, sys, tempfile, time, base64

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def binary():
    if os.environ.get("GATEHOUSE_BIN"):
        return os.environ["GATEHOUSE_BIN"]
    subprocess.run(["swift", "build", "-c", "release", "--product", "gatehouse"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    path = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(path, "gatehouse")


def user_file(path, count):
    """`count` users with $apr1$ hashes of random passwords; user0 is the known user."""
    passwords = [secrets.token_hex(8) for _ in range(count)]
    hashes = subprocess.run(["openssl", "passwd", "-apr1", "-stdin"], input="\n".join(passwords) + "\n",
                            capture_output=True, text=True, check=True).stdout.split()
    with open(path, "w") as f:
        for index, hashed in enumerate(hashes):
            f.write(f"user{index}:{hashed}\n")


def start(folder, gatehouse):
    with open(os.path.join(folder, "gatehouse.yaml"), "w") as f:
        f.write("listen: 127.0.0.1:0\nstore: sqlite:gatehouse.sqlite\nrealm: Bench\nlockout: { failures: 0 }\n"
                "routes:\n  - path: /\n    schemes: [basic]\n    users: users.htpasswd\n")
    process = subprocess.Popen([gatehouse, "serve", "--config", "gatehouse.yaml", "--port", "0"], cwd=folder,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for _ in range(300):
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", process.stdout.readline())
        if match:
            return process, int(match.group(1))
    raise RuntimeError("gatehouse did not start")


def timed(connection, user):
    credential = base64.b64encode(f"{user}:wrong-password".encode()).decode()
    started = time.perf_counter()
    connection.request("GET", "/", headers={"Authorization": "Basic " + credential})
    response = connection.getresponse()
    response.read()
    elapsed = time.perf_counter() - started
    assert response.status == 401
    return elapsed


def welch(a, b):
    """Welch's t statistic, its degrees of freedom and the two-sided p-value (Student's t through the regularized
    incomplete beta function, so no SciPy is needed)."""
    ma, mb = statistics.fmean(a), statistics.fmean(b)
    va, vb = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    t = (ma - mb) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va ** 2 / (len(a) - 1) + vb ** 2 / (len(b) - 1))
    return t, df, incomplete_beta(df / 2, 0.5, df / (df + t * t))


def incomplete_beta(a, b, x):
    """I_x(a, b) by the continued fraction of Numerical Recipes (betacf), accurate to 1e-12."""
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x > (a + 1) / (a + b + 2):
        return 1 - incomplete_beta(b, a, 1 - x)
    c, d = 1.0, 1 - (a + b) * x / (a + 1)
    d = 1 / (d if abs(d) > 1e-300 else 1e-300)
    result = d
    for m in range(1, 300):
        for numerator in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)), -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1 + numerator * d
            d = 1 / (d if abs(d) > 1e-300 else 1e-300)
            c = 1 + numerator / c
            c = c if abs(c) > 1e-300 else 1e-300
            result *= d * c
        if abs(d * c - 1) < 1e-12:
            break
    return front * result / a


def measure(gatehouse, users, count):
    folder = tempfile.mkdtemp(prefix="gatehouse-timing-")
    try:
        user_file(os.path.join(folder, "users.htpasswd"), users)
        process, port = start(folder, gatehouse)
        try:
            known_connection = http.client.HTTPConnection("127.0.0.1", port)
            unknown_connection = http.client.HTTPConnection("127.0.0.1", port)
            for _ in range(50):  # warm up: the decoy hash, the caches, the connections
                timed(known_connection, "user0")
                timed(unknown_connection, "nobody")
            order = ["known"] * count + ["unknown"] * count
            random.shuffle(order)
            samples = {"known": [], "unknown": []}
            for kind in order:
                if kind == "known":
                    samples[kind].append(timed(known_connection, "user0"))
                else:
                    samples[kind].append(timed(unknown_connection, f"nobody{random.randrange(10**9)}"))
            return samples
        finally:
            process.terminate()
            process.wait()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    gatehouse = binary()
    print(f"{count} requests of each kind, interleaved at random; Basic, $apr1$ users, lockout off")
    print("| users in the file | median, wrong password | median, unknown user | difference | Welch t | p |")
    print("|---:|---:|---:|---:|---:|---:|")
    for users in (20, 10_000):
        samples = measure(gatehouse, users, count)
        known, unknown = statistics.median(samples["known"]), statistics.median(samples["unknown"])
        t, _, p = welch(samples["known"], samples["unknown"])
        print(f"| {users:,} | {known * 1e6:,.0f} µs | {unknown * 1e6:,.0f} µs | {(unknown - known) / known:+.1%} | {t:+.2f} | {p:.3f} |")


if __name__ == "__main__":
    main()
