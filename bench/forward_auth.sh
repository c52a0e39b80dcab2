#!/usr/bin/env bash
# Forward-auth benchmark: the same Basic logins checked by the server itself and by Gatehouse as its auth service,
# on 127.0.0.1, in one run: nginx `auth_basic` against nginx `auth_request` → Gatehouse (/auth/verify), for an
# $apr1$ and a bcrypt cost-10 user; Caddy `basicauth` against Caddy `forward_auth` → Gatehouse (/auth/forward), for
# the bcrypt user (Caddy's basicauth takes bcrypt only). Each serves the same small file. Prints requests/s, p50,
# p99 and the ratio of Gatehouse behind each server to that server's own Basic.
#   bench/forward_auth.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
source bench/servers.sh
ensure_packages wrk nginx apache2-utils caddy curl bc libcrypt-dev libsqlite3-dev
swift build -c release --product gatehouse >/dev/null
GATEHOUSE="$(swift build -c release --show-bin-path)/gatehouse"

make_workspace forward

mkdir -p "$W/www/auth" "$W/caddy-own" "$W/caddy-forward"
printf 'hello, world\n' > "$W/www/auth/index.html"
htpasswd -cbm "$W/users" apr1user apr1-pw 2>/dev/null
htpasswd -bB -C 10 "$W/users" bcryptuser bcrypt-pw 2>/dev/null
chmod 644 "$W/users"
BCRYPT_HASH=$(grep '^bcryptuser:' "$W/users" | cut -d: -f2)

# The gateway: only an auth service here (no upstream of its own).
cat > "$W/gatehouse.yaml" <<CONF
listen: 127.0.0.1:18593
store: sqlite:gatehouse.sqlite
trusted_proxies: [127.0.0.1/32]
lockout: { failures: 0 }
routes:
  - path: /auth/
    schemes: [basic]
    users: users
CONF
(cd "$W" && exec "$GATEHOUSE" serve --config gatehouse.yaml >/dev/null 2>&1) & PIDS+=($!)

# nginx: its own auth_basic on 18590, auth_request to the gateway on 18591 (the ready-made configuration's auth
# location, serving files instead of proxying).
start_nginx 2 "    upstream gatehouse { server 127.0.0.1:18593; keepalive 32; }
    server {
        listen 127.0.0.1:18590;
        root $W/www;
        location /auth/ { auth_basic \"bench\"; auth_basic_user_file $W/users; }
    }
    server {
        listen 127.0.0.1:18591;
        root $W/www;
        location = /gatehouse-verify {
            internal;
            proxy_pass http://gatehouse/auth/verify;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_pass_request_body off;
            proxy_set_header Content-Length \"\";
            proxy_set_header Host \$http_host;
            proxy_set_header X-Original-Method \$request_method;
            proxy_set_header X-Original-URI \$request_uri;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        }
        location /auth/ { auth_request /gatehouse-verify; }
    }"

caddy_start() {   # caddy_start FOLDER PORT SITE
    cat > "$1/Caddyfile" <<CONF
{
    admin off
    auto_https off
    storage file_system $1/storage
}
http://127.0.0.1:$2 {
$3
}
CONF
    HOME=$1 XDG_DATA_HOME=$1 XDG_CONFIG_HOME=$1 caddy run --config "$1/Caddyfile" --adapter caddyfile >/dev/null 2>&1 & PIDS+=($!)
}
caddy_start "$W/caddy-own" 18592 "    root * $W/www
    file_server
    basicauth /auth/* {
        bcryptuser $BCRYPT_HASH
    }"
caddy_start "$W/caddy-forward" 18594 "    root * $W/www
    forward_auth 127.0.0.1:18593 {
        uri /auth/forward
        copy_headers Remote-User
    }
    file_server"

basic() { printf 'Authorization: Basic %s' "$(printf '%s' "$1" | base64 -w0)"; }
for port in 18590 18591 18592 18594; do
    for _ in $(seq 50); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$(basic apr1user:apr1-pw)" "http://127.0.0.1:$port/auth/")" = 200 ] && break
        [ "$(curl -s -o /dev/null -w '%{http_code}' -H "$(basic bcryptuser:bcrypt-pw)" "http://127.0.0.1:$port/auth/")" = 200 ] && break
        sleep 0.2
    done
done

# run PORT HEADER [PATH [HEADER]] -> "req/s p50 p99 non-2xx"
run() {
    local out
    if [ -n "${4:-}" ]; then out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -H "$2" -H "$4" "http://127.0.0.1:$1${3}")
    else out=$(wrk -t2 -c32 -d"${DURATION}s" --latency -H "$2" "http://127.0.0.1:$1${3:-/auth/}"); fi
    echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1=="50%" {print $2}') $(echo "$out" | awk '$1=="99%" {print $2}') $(echo "$out" | awk '/Non-2xx/ {print $NF}')"
}

printf '%-34s %-7s %10s %9s %9s %8s %7s\n' setup hash "req/s" p50 p99 non-2xx ratio
LAST=""
row() {   # row LABEL HASH PORT HEADER [BASELINE_RPS [PATH EXTRA_HEADER]]; sets LAST to its req/s
    local rps p50 p99 non2xx ratio="-"
    sleep 3   # nginx's bcrypt rows leave seconds of hashing queued after wrk stops: let it finish first
    read -r rps p50 p99 non2xx <<<"$(run "$3" "$4" "${6:-}" "${7:-}")"
    [ -n "${5:-}" ] && ratio=$(echo "scale=2; $rps / $5" | bc)
    printf '%-34s %-7s %10s %9s %9s %8s %7s\n' "$1" "$2" "$rps" "$p50" "$p99" "${non2xx:-0}" "$ratio"
    LAST=$rps
}
APR1=$(basic apr1user:apr1-pw)
BCRYPT=$(basic bcryptuser:bcrypt-pw)
row "nginx auth_basic" apr1 18590 "$APR1"
row "nginx auth_request -> Gatehouse" apr1 18591 "$APR1" "$LAST"
# The question alone, asked straight as nginx asks it: what the round trip through nginx adds.
row "Gatehouse /auth/verify, asked directly" apr1 18593 "$APR1" "" /auth/verify "X-Original-URI: /auth/"
row "nginx auth_basic" bcrypt 18590 "$BCRYPT"
row "nginx auth_request -> Gatehouse" bcrypt 18591 "$BCRYPT" "$LAST"
row "Caddy basicauth" bcrypt 18592 "$BCRYPT"
row "Caddy forward_auth -> Gatehouse" bcrypt 18594 "$BCRYPT" "$LAST"
