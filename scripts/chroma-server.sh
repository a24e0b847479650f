#!/usr/bin/env bash
# Start or stop a local Chroma server for server-mode tests and benchmarks.
#
#   scripts/chroma-server.sh start DIR PORT [PIDFILE]   # prints the URL once the heartbeat answers
#   scripts/chroma-server.sh stop [PIDFILE]             # kills the server started with that PIDFILE
#
# Listens on 127.0.0.1 only. The PID file defaults to DIR/chroma.pid for start and to
# $CHROMA_PIDFILE (or ./chroma.pid) for stop; the server's log goes to DIR/chroma.log.
# Waits are bounded: CHROMA_START_TIMEOUT (default 60 s), CHROMA_STOP_TIMEOUT (default 15 s).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
chroma="${CHROMA_BIN:-$here/.venv/bin/chroma}"
[ -x "$chroma" ] || chroma="$(command -v chroma || true)"

die() { echo "chroma-server: $*" >&2; exit 1; }

heartbeat() {  # exit 0 when the server on port $1 answers its heartbeat
  python3 - "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v2/heartbeat", timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

start() {
  local dir="${1:?usage: chroma-server.sh start DIR PORT [PIDFILE]}" port="${2:?usage: chroma-server.sh start DIR PORT [PIDFILE]}"
  [ -n "$chroma" ] || die "no 'chroma' command found; install chromadb (pip install chromadb) or set CHROMA_BIN"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  local pidfile="${3:-$dir/chroma.pid}" log="$dir/chroma.log" timeout="${CHROMA_START_TIMEOUT:-60}"
  if heartbeat "$port"; then
    die "something already answers on 127.0.0.1:$port; stop it or pick another port"
  fi
  # setsid: the server gets its own process group, so the caller's Ctrl-C or job control leaves it alone
  setsid "$chroma" run --path "$dir" --host 127.0.0.1 --port "$port" >"$log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$pidfile"
  local waited=0
  until heartbeat "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      die "the server exited at start; its log ($log) ends with:
$(tail -n 20 "$log")"
    fi
    if [ "$waited" -ge $((timeout * 4)) ]; then
      kill "$pid" 2>/dev/null || true
      rm -f "$pidfile"
      die "no heartbeat from 127.0.0.1:$port after ${timeout}s; see $log"
    fi
    sleep 0.25
    waited=$((waited + 1))
  done
  echo "http://127.0.0.1:$port"
}

stop() {
  local pidfile="${1:-${CHROMA_PIDFILE:-chroma.pid}}" timeout="${CHROMA_STOP_TIMEOUT:-15}"
  [ -f "$pidfile" ] || die "no PID file at $pidfile; pass the one 'start' wrote (DIR/chroma.pid by default)"
  local pid
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "$pidfile does not hold a PID"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$waited" -ge $((timeout * 4)) ]; then
        echo "chroma-server: PID $pid did not stop after ${timeout}s; killing it" >&2
        kill -9 "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.25
      waited=$((waited + 1))
    done
  else
    echo "chroma-server: PID $pid from $pidfile was not running" >&2
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) die "usage: chroma-server.sh start DIR PORT [PIDFILE] | stop [PIDFILE]" ;;
esac
