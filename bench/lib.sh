# lib.sh: what the benchmark drivers under bench/ share (bench/control-plane/run, bench/invoke/run).
# Source it from a driver that runs under `set -euo pipefail`:
#
#   . "$here/../lib.sh"
#   bench_begin NAME          # temp dir $work, cleanup trap; needs wrk, nginx (apt-get if missing)
#   start_headroom BIN ARGS   # copies BIN to $work, serves on 127.0.0.1:<free port>; sets $headroom, $headroom_pid
#   start_moto                # moto_server on a free port, account 000000000000; sets $moto
#   start_nginx               # nginx, static 200 (as ../shared/bench/vs-nginx); sets $nginx
#   bench NAME CONNS SECONDS URL SCRIPT ARGS...   # one wrk run, appends its RESULT line to $work/NAME.results
#   col NAME N | med          # column N of NAME's RESULT lines, their median; sum NAME N
#   ratio A B, ms MICROS, us MICROS, atleast A B   # formatting and comparisons for the summary
#
# Everything listens on 127.0.0.1 only. Processes a driver starts itself go into the array pids
# (killed and waited for on exit); nginx is stopped through its pid file. The temp dir is removed
# on success and kept (and named) on failure. RESULT lines come from lib.lua's done():
#   RESULT <req/s> <requests> <non-2xx> <socket errors> <p50 us> <p90 us> <p99 us> <p99.9 us> <max us>

bench_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
threads=${threads:-1}
pids=()

bench_begin() {
  command -v nginx >/dev/null && command -v wrk >/dev/null ||
    { apt-get install -y -qq nginx-light wrk >/dev/null 2>&1 || apt-get install -y -qq nginx wrk >/dev/null; }
  work=$(mktemp -d "/tmp/headroom-bench-$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  local rc=$? p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$rc" = 0 ]; then rm -rf "$work"; else echo "failed (exit $rc); logs kept in $work" >&2; fi
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_http URL NAME: until URL answers anything (any status), at most 15 s; else NAME's log.
wait_http() {
  for _ in $(seq 150); do curl -s -o /dev/null -m 1 "$1" && return 0; sleep 0.1; done
  echo "$2 did not come up; its log:" >&2; cat "$work/$2.log" >&2; exit 1
}

# start_headroom BINARY [SERVE FLAGS...]: a private copy, so a rebuild of build/headroom does not
# disturb the run, on a fresh data dir.
start_headroom() {
  local bin=$1; shift
  [ -x "$bin" ] || { echo "no headroom binary at $bin (make build, or -b PATH)" >&2; exit 2; }
  cp "$bin" "$work/headroom-bin"
  local port; port=$(free_port)
  "$work/headroom-bin" serve --host 127.0.0.1 --port "$port" --data-dir "$work/data" "$@" \
    >"$work/headroom.log" 2>&1 &
  headroom_pid=$!
  pids+=("$headroom_pid")
  headroom=http://127.0.0.1:$port
  wait_http "$headroom/_headroom/health" headroom
}

# start_moto: moto_server's default account is 123456789012; make it the one our credentials name.
start_moto() {
  command -v moto_server >/dev/null || { echo "moto_server not found (pip install 'moto[server]')" >&2; exit 2; }
  local port; port=$(free_port)
  MOTO_ACCOUNT_ID=000000000000 moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
  pids+=($!)
  moto=http://127.0.0.1:$port
  wait_http "$moto/" moto
}

# start_nginx: a static 200 for any method and path, configured as in shared/bench/vs-nginx
# (2 workers, keep-alive).
start_nginx() {
  local port; port=$(free_port)
  mkdir -p "$work/nginx/tmp" "$work/nginx/logs"
  cat >"$work/nginx.conf" <<CONF
worker_processes 2; daemon on; pid $work/nginx.pid; error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; default_type application/json; location / { return 200 '{"StatusCode":200}'; } } }
CONF
  nginx -c "$work/nginx.conf" -p "$work/nginx"
  nginx=http://127.0.0.1:$port
  wait_http "$nginx/" nginx
}

# bench NAME CONNS SECONDS URL SCRIPT ARGS...: one wrk run (-t$threads, keep-alive, 2 s timeout);
# appends its RESULT line to $work/NAME.results and prints its req/s.
bench() {
  local name=$1 c=$2 secs=$3 url=$4 script=$5; shift 5
  timeout $((secs + 20)) wrk -t"$threads" -c"$c" -d"${secs}s" --timeout 2s -s "$script" "$url" -- "$@" \
    >"$work/wrk.out" 2>&1 || true
  grep '^RESULT' "$work/wrk.out" >>"$work/$name.results" || { cat "$work/wrk.out" >&2; exit 1; }
  tail -1 "$work/$name.results" | awk '{print $2}'
}

med() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# col NAME N: column N of every RESULT line of NAME; sum NAME N: their sum.
col() { awk -v n="$2" '{print $n}' "$work/$1.results"; }
sum() { col "$1" "$2" | awk '{s+=$1} END {print s}'; }

ms() { awk -v u="$1" 'BEGIN {printf "%.2f ms", u / 1000}'; }
us() { awk -v u="$1" 'BEGIN {printf "%d us", u}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf (b > 0 ? "%.3g" : "n/a"), (b > 0 ? a / b : 0)}'; }
# atleast A B: "met" when A >= B, else "NOT met" (numbers).
atleast() { awk -v a="$1" -v b="$2" 'BEGIN {print (a >= b) ? "met" : "NOT met"}'; }
