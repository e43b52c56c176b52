#!/usr/bin/env bash
# Startup, idle memory and shutdown of the whole stack under the AppHost, as a user runs it:
#   time from `dotnet run --project AppHost` (already built) until every service reports healthy on its own
#   /health (Redis included), then until `clinical status` confirms it through the Evaluator;
#   the resident memory of each process 10 s later; the time from stopping the AppHost until every process is gone.
# Usage: bash bench/startup.sh [-c Debug|Release] [AppHost settings, e.g. Cache:Mode=embedded]
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=Debug
if [[ "${1:-}" == "-c" ]]; then configuration=$2; shift 2; fi
dotnet build -c "$configuration" AppHost -v quiet -nologo > /dev/null
dotnet build -c "$configuration" Cli -v quiet -nologo > /dev/null
clinical=(dotnet "Cli/bin/$configuration/net10.0/clinical.dll")
services='Translator\.Service|Extractor\.Service|Evaluator\.Service|Dashboard\.Web|EmbeddedRedis|redis-server'

if curl -sf http://localhost:5080/health > /dev/null 2>&1; then
  echo "something already answers on http://localhost:5080: stop it first" >&2; exit 1
fi

seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
log=$(mktemp)
started=$(date +%s.%N)
setsid dotnet run --project AppHost --no-build -c "$configuration" -- Parameters:evaluator-demo-autorun=false "$@" > "$log" 2>&1 &
apphost=$!
trap 'kill -TERM -- -$apphost 2>/dev/null || true' EXIT

# Healthy = the /health of every service process reports "Healthy" (Redis included). The processes
# listen on ports DCP picks, found with ss.
# --max-time: DCP's proxy accepts connections before a service listens and may hold one for ~10 s.
all_healthy() {
  local name port ok
  for name in Translator.Serv Extractor.Servi Evaluator.Servi Dashboard.Web; do
    ok=0
    for port in $(ss -ltnpH 2>/dev/null | grep "\"$name" | awk '{ print $4 }' | grep -oE '[0-9]+$' | sort -u); do
      [[ "$(curl -s --max-time 1 "http://localhost:$port/health")" == '{"status":"Healthy"'* ]] && ok=1 && break
    done
    [[ $ok == 1 ]] || return 1
  done
}
until all_healthy; do
  if ! kill -0 "$apphost" 2>/dev/null; then echo "the AppHost stopped; its output: $log" >&2; exit 1; fi
  sleep 0.25
done
healthy=$(date +%s.%N)
echo "every service healthy (its /health, Redis included) after $(seconds "$started" "$healthy") s (from dotnet run --no-build, $configuration)"
until curl -sf --max-time 1 http://localhost:5080/health > /dev/null 2>&1 && "${clinical[@]}" status > /dev/null 2>&1; do sleep 0.25; done
echo "clinical status (the Evaluator asked for the whole chain) answers healthy after $(seconds "$started" "$(date +%s.%N)") s"

sleep 10
echo "resident memory when idle:"
pids=()
while read -r pid rss args; do
  [[ "$args" != "dotnet run"* && "$args" =~ $services ]] || continue
  pids+=("$pid")
  awk -v n="${BASH_REMATCH[0]}" -v kb="$rss" 'BEGIN { printf "  %-20s %6.1f MB\n", n, kb / 1024 }'
done < <(ps -eo pid=,rss=,args= --sort=start_time | awk -v since="$apphost" '$1 >= since')

stopping=$(date +%s.%N)
kill -TERM "$apphost"
alive() { for pid in "$@"; do [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" =~ ^[^Z] ]] && return 0; done; return 1; }
while alive "$apphost" "${pids[@]}"; do sleep 0.1; done
echo "stopped, every process gone, $(seconds "$stopping" "$(date +%s.%N)") s after SIGTERM to the AppHost"
trap - EXIT
[[ -n "${KEEP_LOG:-}" ]] && echo "AppHost output: $log" || rm -f "$log"
