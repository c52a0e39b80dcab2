#!/usr/bin/env python3
"""Writes a combined-format access log of about SIZE megabytes with a realistic mix for `bench/logs.sh`: many
clients and paths, browsers' first-challenge 401s, refused logins, a brute-force client, 403s and rare 407s.
Deterministic (seeded), so every run compares the same input.
    generate_log.py OUT SIZE_MB"""
import random, sys, time

out, megabytes = sys.argv[1], int(sys.argv[2])
random.seed(401)
agents = ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
          "curl/8.5.0", "python-requests/2.32.3", "Go-http-client/1.1",
          "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15"]
paths = ["/", "/index.html", "/api/v1/items", "/api/v1/items/42", "/admin/", "/login", "/static/app.js", "/static/site.css",
         "/basic/", "/reports/2026/q3.pdf"]
users = ["alice", "bob", "carol", "dave", "erin"]
start = 1795000000
target = megabytes << 20
written = 0
second = 0
with open(out, "w") as f:
    block = []
    while written < target:
        second += 1
        stamp = time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(start + second // 20))
        roll = random.random()
        client = f"10.{random.randint(0, 3)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
        user, status = "-", 200
        if roll < 0.03:
            status = 401
        elif roll < 0.045:
            user, status = random.choice(users), 401
        elif roll < 0.05:
            client, user, status = "203.0.113.66", random.choice(users), 401
        elif roll < 0.06:
            user, status = random.choice(users), 403
        elif roll < 0.0605:
            status = 407
        elif roll < 0.3:
            user = random.choice(users)
        elif roll < 0.33:
            status = random.choice([301, 304, 404, 500])
        line = (f'{client} - {user} [{stamp}] "{random.choice(["GET", "GET", "GET", "POST"])} {random.choice(paths)}'
                f'{"?page=" + str(random.randint(1, 9)) if random.random() < 0.2 else ""} HTTP/1.1" {status} {random.randint(0, 50000)} '
                f'"https://example.test/" "{random.choice(agents)}"\n')
        block.append(line)
        written += len(line)
        if len(block) == 10000:
            f.write("".join(block))
            block = []
    f.write("".join(block))
