#!/usr/bin/env bash
# Gateway benchmark: wrk against Gatehouse, nginx auth_basic, Apache mod_auth_basic and Caddy basicauth, each
# protecting the same small file on 127.0.0.1, in one run on this machine. Scenarios: no auth, Basic with an $apr1$
# user, Basic with a bcrypt cost-10 user, and (Gatehouse only) a JWT bearer. Prints requests/s, p99 and the ratio to
# nginx; then the same over HTTP/2 with TLS (h2load, 32 connections) against nginx (`http2`), Caddy
# and Gatehouse; then Gatehouse with `tracing:` (every request a span, batched to a local OTLP/HTTP sink) against
# Gatehouse without; then the time of an unknown user against a wrong password on Gatehouse.
#   bench/gateway.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
source bench/servers.sh
ensure_packages wrk nghttp2-client openssl nginx apache2 apache2-utils caddy curl libcrypt-dev libsqlite3-dev
swift build -c release --product gatehouse >/dev/null
GATEHOUSE="$(swift build -c release --show-bin-path)/gatehouse"

make_workspace gateway

mkdir -p "$W/www/none" "$W/www/auth" "$W/www/jwt" "$W/caddy"
for d in none auth jwt; do printf 'hello, world\n' > "$W/www/$d/index.html"; done
htpasswd -cbm "$W/users" apr1user apr1-pw 2>/dev/null
htpasswd -bB -C 10 "$W/users" bcryptuser bcrypt-pw 2>/dev/null
chmod 644 "$W/users"
BCRYPT_HASH=$(grep '^bcryptuser:' "$W/users" | cut -d: -f2)
SECRET="a benchmark HMAC secret of 32 bytes or more"
printf '%s' "$SECRET" > "$W/jwt.secret"
JWT=$(python3 - "$SECRET" <<'PY'
import base64, hashlib, hmac, json, sys, time
b = lambda d: base64.urlsafe_b64encode(d).rstrip(b"=").decode()
i = b(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." + b(json.dumps({"sub": "bench", "aud": "api", "exp": int(time.time()) + 3600}).encode())
print(i + "." + b(hmac.new(sys.argv[1].encode(), i.encode(), hashlib.sha256).digest()))
PY
)

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
start_nginx 2 "    # nginx closes a connection after 1000 requests by default (keepalive_requests, which HTTP/2 connections obey
    # too): h2load does not reconnect, so a run stopped at 32 x 1000 requests. No limit, as Apache's
    # MaxKeepAliveRequests 0 below and as Caddy and Gatehouse have none.
    server {
        listen 127.0.0.1:18580;
        keepalive_requests 1000000;
        root $W/www;
        location /auth/ { auth_basic \"bench\"; auth_basic_user_file $W/users; }
    }
    server {
        listen 127.0.0.1:18590 ssl http2;
        keepalive_requests 1000000;
        ssl_certificate $W/cert.pem;
        ssl_certificate_key $W/key.pem;
        root $W/www;
        location /auth/ { auth_basic \"bench\"; auth_basic_user_file $W/users; }
    }"
start_apache 18581 "KeepAlive On
MaxKeepAliveRequests 0
<Location /auth/>
    AuthType Basic
    AuthName \"bench\"
    AuthUserFile \"$W/users\"
    Require valid-user
</Location>"

cat > "$W/caddy/Caddyfile" <<CONF
{
    admin off
    auto_https off
    default_sni 127.0.0.1
    storage file_system $W/caddy/storage
}
(site) {
    root * $W/www
    file_server
    basicauth /auth/* {
        bcryptuser $BCRYPT_HASH
    }
}
http://127.0.0.1:18582 {
    import site
}
https://127.0.0.1:18592 {
    tls $W/cert.pem $W/key.pem
    import site
}
CONF
HOME=$W/caddy XDG_DATA_HOME=$W/caddy XDG_CONFIG_HOME=$W/caddy caddy run --config "$W/caddy/Caddyfile" --adapter caddyfile >/dev/null 2>&1 & PIDS+=($!)

cat > "$W/gatehouse.yaml" <<CONF
listen: 127.0.0.1:18583
store: sqlite:gatehouse.sqlite
static: www
lockout: { failures: 0 }
routes:
  - path: /auth/
    schemes: [basic]
    users: users
  - path: /jwt/
    schemes: [bearer]
    jwt: { secret_file: jwt.secret, audience: api }
  - path: /
    public: true
CONF
(cd "$W" && exec "$GATEHOUSE" serve --config gatehouse.yaml >/dev/null 2>&1) & PIDS+=($!)
sed -e 's/^listen: .*/listen: 127.0.0.1:18593/' -e 's/^store: .*/store: sqlite:gatehouse-tls.sqlite\ntls: { certificate: cert.pem, key: key.pem }/' \
    "$W/gatehouse.yaml" > "$W/gatehouse-tls.yaml"
(cd "$W" && exec "$GATEHOUSE" serve --config gatehouse-tls.yaml >/dev/null 2>&1) & PIDS+=($!)
# An OTLP/HTTP sink that takes every batch of spans and answers 200, for the traced Gatehouse on 18584.
python3 - <<'PY' & PIDS+=($!)
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class Sink(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", 18599), Sink).serve_forever()
PY
sed -e 's/^listen: .*/listen: 127.0.0.1:18584/' -e 's/^store: .*/store: sqlite:gatehouse-traced.sqlite\ntracing: { endpoint: "http:\/\/127.0.0.1:18599" }/' \
    "$W/gatehouse.yaml" > "$W/gatehouse-traced.yaml"
(cd "$W" && exec "$GATEHOUSE" serve --config gatehouse-traced.yaml >/dev/null 2>&1) & PIDS+=($!)

for port in 18580 18581 18582 18583 18584; do
    for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/none/" && break; sleep 0.2; done
done
for port in 18590 18592 18593; do
    for _ in $(seq 50); do curl -sk --http2 -o /dev/null "https://127.0.0.1:$port/none/" && break; sleep 0.2; done
done

basic() { printf 'Authorization: Basic %s' "$(printf '%s' "$1" | base64 -w0)"; }
# run NAME PORT PATH [HEADER] -> "req/s p99"
run() {
    local out
    if [ -n "${4:-}" ]; then out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -H "$4" "http://127.0.0.1:$2$3")
    else out=$(wrk -t2 -c32 -d"${DURATION}s" --latency "http://127.0.0.1:$2$3"); fi
    local rps p99 non2xx
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    echo "$rps $p99 ${non2xx:-0}"
}

printf '%-10s %-22s %12s %10s %8s %14s\n' server scenario "req/s" p99 non-2xx "ratio to nginx"
declare -A NGINX GATEHOUSE_RPS
for scenario in none apr1 bcrypt jwt; do
    for server in nginx apache caddy gatehouse; do
        case $server in nginx) port=18580;; apache) port=18581;; caddy) port=18582;; gatehouse) port=18583;; esac
        case $scenario in
            none) path=/none/; header="";;
            apr1) path=/auth/; header=$(basic apr1user:apr1-pw); [ $server = caddy ] && continue;;
            bcrypt) path=/auth/; header=$(basic bcryptuser:bcrypt-pw);;
            jwt) path=/jwt/; header="Authorization: Bearer $JWT"; [ $server != gatehouse ] && continue;;
        esac
        read -r rps p99 non2xx <<<"$(run "$server" "$port" "$path" "$header")"
        [ $server = nginx ] && NGINX[$scenario]=$rps
        [ $server = gatehouse ] && GATEHOUSE_RPS[$scenario]=$rps
        ratio="-"
        [ -n "${NGINX[$scenario]:-}" ] && ratio=$(echo "scale=2; $rps / ${NGINX[$scenario]}" | bc)
        printf '%-10s %-22s %12s %10s %8s %14s\n' "$server" "$scenario" "$rps" "$p99" "$non2xx" "$ratio"
    done
done

echo
echo "Gatehouse with tracing: (a span per request, exported in batches to a local OTLP/HTTP sink)"
printf '%-10s %-22s %12s %10s %8s %18s\n' server scenario "req/s" p99 non-2xx "ratio to untraced"
for scenario in none apr1 jwt; do
    case $scenario in
        none) path=/none/; header="";;
        apr1) path=/auth/; header=$(basic apr1user:apr1-pw);;
        jwt) path=/jwt/; header="Authorization: Bearer $JWT";;
    esac
    read -r rps p99 non2xx <<<"$(run gatehouse 18584 "$path" "$header")"
    printf '%-10s %-22s %12s %10s %8s %18s\n' traced "$scenario" "$rps" "$p99" "$non2xx" "$(echo "scale=2; $rps / ${GATEHOUSE_RPS[$scenario]}" | bc)"
done

# run_h2 STREAMS PORT PATH [HEADER] -> "req/s 2xx-share": h2load over TLS, 32 connections of STREAMS concurrent
# streams (1 for bcrypt: at nginx's 15 bcrypt checks a second, 320 requests in flight take 20 s to drain after the
# run's end).
run_h2() {
    local out rps done2xx total
    if [ -n "${4:-}" ]; then out=$(h2load -t2 -c32 -m"$1" -D "$DURATION" -H "$4" "https://127.0.0.1:$2$3" 2>&1)
    else out=$(h2load -t2 -c32 -m"$1" -D "$DURATION" "https://127.0.0.1:$2$3" 2>&1); fi
    rps=$(echo "$out" | awk '/^finished in/ {print $4}')
    total=$(echo "$out" | awk '/^requests:/ {print $6}')
    done2xx=$(echo "$out" | awk '/^status codes:/ {print $3}')
    echo "${rps:-0} ${done2xx:-0}/${total:-0}"
}

echo
echo "HTTP/2 over TLS (h2load -c32, 10 streams per connection, 1 for bcrypt)"
printf '%-10s %-22s %12s %16s %14s\n' server scenario "req/s" "2xx/done" "ratio to nginx"
declare -A NGINX_H2
for scenario in none apr1 bcrypt; do
    for server in nginx caddy gatehouse; do
        case $server in nginx) port=18590;; caddy) port=18592;; gatehouse) port=18593;; esac
        case $scenario in
            none) path=/none/; header=""; streams=10;;
            apr1) path=/auth/; header=$(basic apr1user:apr1-pw); streams=10; [ $server = caddy ] && continue;;
            bcrypt) path=/auth/; header=$(basic bcryptuser:bcrypt-pw); streams=1;;
        esac
        read -r rps share <<<"$(run_h2 "$streams" "$port" "$path" "$header")"
        [ $server = nginx ] && NGINX_H2[$scenario]=$rps
        ratio="-"
        [ -n "${NGINX_H2[$scenario]:-}" ] && ratio=$(echo "scale=2; $rps / ${NGINX_H2[$scenario]}" | bc)
        printf '%-10s %-22s %12s %16s %14s\n' "$server" "$scenario" "$rps" "$share" "$ratio"
    done
done

echo
echo "Gatehouse, bcrypt cost 10: unknown user against wrong password (200 requests each, interleaved)"
python3 - <<'PY'
import base64, http.client, statistics, time
def timed(user):
    c = http.client.HTTPConnection("127.0.0.1", 18583)
    auth = base64.b64encode(f"{user}:wrong".encode()).decode()
    start = time.perf_counter()
    c.request("GET", "/auth/", headers={"Authorization": "Basic " + auth})
    c.getresponse().read()
    c.close()
    return (time.perf_counter() - start) * 1000
known, unknown = [], []
for _ in range(200):
    known.append(timed("bcryptuser"))
    unknown.append(timed("nobody"))
print(f"wrong password: median {statistics.median(known):.1f} ms, p90 {sorted(known)[179]:.1f} ms")
print(f"unknown user:   median {statistics.median(unknown):.1f} ms, p90 {sorted(unknown)[179]:.1f} ms")
print(f"ratio of medians: {statistics.median(unknown) / statistics.median(known):.2f}")
PY
