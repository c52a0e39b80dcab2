# Shared by the benchmarks: installs what is missing and starts nginx and Apache on 127.0.0.1 with their state in a
# scratch folder, the way Tests/EndToEnd does. Source it, then call make_workspace (or set W and the PIDS array).

# make_workspace NAME: a scratch folder W that the servers' users can read, and PIDS, the processes started, which
# are stopped (and W removed) when the script exits.
make_workspace() {
    W=$(mktemp -d "/tmp/gatehouse-bench-$1.XXXXXX")
    chmod 755 "$W"
    PIDS=()
    trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 0.5; rm -rf "$W"' EXIT
}

# ensure_packages PKG…: apt-get installs the Debian packages that are missing.
ensure_packages() {
    local need=() pkg
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
    [ ${#need[@]} -eq 0 ] && return
    local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
}

# start_nginx WORKERS SERVER_BLOCKS: nginx with its pid, log and temp paths in $W/nginx and the given server blocks.
start_nginx() {
    mkdir -p "$W/nginx"
    cat > "$W/nginx/nginx.conf" <<CONF
worker_processes $1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $W/nginx/body; proxy_temp_path $W/nginx/proxy; fastcgi_temp_path $W/nginx/fastcgi;
    uwsgi_temp_path $W/nginx/uwsgi; scgi_temp_path $W/nginx/scgi;
$2
}
CONF
    nginx -c "$W/nginx/nginx.conf" -p "$W/nginx/" -g 'daemon off;' 2>/dev/null & PIDS+=($!)
}

# start_apache PORT DIRECTIVES: Apache (mpm_event, the auth modules, mod_dir) serving $W/www on PORT, with the given
# directives appended.
start_apache() {
    mkdir -p "$W/apache"
    local m=/usr/lib/apache2/modules module loads=""
    for module in mpm_event authn_core authn_file authz_core authz_user auth_basic dir; do
        loads+="LoadModule ${module}_module $m/mod_${module}.so"$'\n'
    done
    cat > "$W/apache/apache2.conf" <<CONF
ServerRoot "$W/apache"
PidFile "$W/apache/httpd.pid"
DefaultRuntimeDir "$W/apache"
Mutex file:$W/apache default
ErrorLog "$W/apache/error.log"
Listen 127.0.0.1:$1
User www-data
Group www-data
$loads
DirectoryIndex index.html
DocumentRoot "$W/www"
<Directory "$W/www">
    Require all granted
</Directory>
$2
CONF
    apache2 -f "$W/apache/apache2.conf" -DFOREGROUND 2>/dev/null & PIDS+=($!)
}
