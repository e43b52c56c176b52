#!/usr/bin/env bash
# The chain benchmark against the services run directly (Release build, no Aspire dashboard ingesting
# every span on the same cores): a local redis-server, Translator, Extractor and Evaluator on loopback.
# Usage: bash bench/chain-standalone.sh [chain options, e.g. --calls 3000]
set -euo pipefail
cd "$(dirname "$0")/.."
for project in Translator.Service Extractor.Service Evaluator.Service bench/Benchmarks; do
  dotnet build -c Release "$project" -v quiet -nologo > /dev/null
done

redis-server --port 6420 --bind 127.0.0.1 --save "" --appendonly no --daemonize yes > /dev/null
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; redis-cli -p 6420 shutdown nosave > /dev/null 2>&1 || true; }
trap cleanup EXIT

start() { # name http-port grpc-port [VAR=value ...]
  local name=$1 http=$2 grpc=$3; shift 3
  # Development: no credentials on this loopback-only bench (README: Security).
  (cd "$name/bin/Release/net10.0" && env ASPNETCORE_ENVIRONMENT=Development ConnectionStrings__cache=127.0.0.1:6420 Logging__LogLevel__Default=Warning \
     Kestrel__Endpoints__http__Url="http://127.0.0.1:$http" Kestrel__Endpoints__grpc__Url="http://127.0.0.1:$grpc" "$@" \
     exec dotnet "$name.dll" > /dev/null 2>&1) &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$http/alive" > /dev/null; do sleep 0.2; done
}
start Translator.Service 6501 6502
start Extractor.Service 6511 6512 Services__translator__Address=http://127.0.0.1:6502
start Evaluator.Service 6521 6522 Services__extractor__Address=http://127.0.0.1:6512 Evaluator__DemoAutorun=false

dotnet bench/Benchmarks/bin/Release/net10.0/Benchmarks.dll chain \
  --extractor http://127.0.0.1:6512 --translator http://127.0.0.1:6502 --evaluator http://127.0.0.1:6522 "$@"
