#!/usr/bin/env python3
"""Writes an access log of about SIZE megabytes with a realistic mix for `bench/logs.sh`: many clients and paths,
browsers' first-challenge 401s, refused logins, a brute-force client, 403s and rare 407s. Deterministic (seeded), so
every run compares the same input. FORMAT is `combined` (Apache and nginx, the default) or `w3c` (IIS's W3C extended
log with its directive block, the same traffic with sub-status and Win32 codes: 401.2 challenges, NTLM's 401.1
middle legs, 401.1 with 1326 for refused logins).
    generate_log.py OUT SIZE_MB [FORMAT]"""
import random, sys, time

out, megabytes = sys.argv[1], int(sys.argv[2])
w3c = len(sys.argv) > 3 and sys.argv[3] == "w3c"
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
    if w3c:
        f.write("#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-11-18 00:00:00\n"
                "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) "
                "sc-status sc-substatus sc-win32-status time-taken\n")
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
        method, path, query = random.choice(["GET", "GET", "GET", "POST"]), random.choice(paths), "page=" + str(random.randint(1, 9)) if random.random() < 0.2 else ""
        agent = random.choice(agents)
        if w3c:
            moment = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(start + second // 20))
            sub, win32 = {401: (1, 1326) if user != "-" else random.choice([(2, 5), (2, 5), (1, 2148074254)]), 403: (0, 5)}.get(status, (0, 0))
            name = "CONTOSO\\" + user if user != "-" else "-"
            line = (f"{moment} 10.0.0.20 {method} {path} {query or '-'} 443 {name} {client} {agent.replace(' ', '+')} "
                    f"https://example.test/ {status} {sub} {win32} {random.randint(0, 900)}\n")
        else:
            line = (f'{client} - {user} [{stamp}] "{method} {path}{"?" + query if query else ""} HTTP/1.1" {status} {random.randint(0, 50000)} '
                    f'"https://example.test/" "{agent}"\n')
        block.append(line)
        written += len(line)
        if len(block) == 10000:
            f.write("".join(block))
            block = []
    f.write("".join(block))
