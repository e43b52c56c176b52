#!/usr/bin/env bash
# Scale-out numbers (README: Scaling out): the same run of distinct notes against one Extractor and against three
# replicas (Replicas:Extractor=3), each on a fresh stack under Aspire.Hosting.Testing; prints the time of each, the calls
# each replica answered (GetInfo's extractions_served) and the speed-up. CI asserts the spread only (AppHost.Tests).
# Usage: bash bench/scale-out.sh [records] [rules|onnx|served]   (defaults: 20000 with rules, 600 otherwise)
#   rules   the embedded engine (~35 us a note: the Evaluator and the gRPC hops are the bottleneck)
#   onnx    the generated tiny decoder in each replica, one generation at a time on one thread (this machine's cores)
#   served  a model server answering in 50 ms, one call at a time per replica (as a replica with one GPU)
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${2:-rules}
records=${1:-$([ "$engine" = rules ] && echo 20000 || echo 600)}
dotnet build tests/AppHost.Tests -v quiet -nologo > /dev/null
CLINICAL_SCALE_BENCH=1 CLINICAL_SCALE_RECORDS=$records CLINICAL_SCALE_ENGINE=$engine \
  dotnet test tests/AppHost.Tests --no-build --filter "FullyQualifiedName~ScaleOutBench" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "(rules|onnx|served): [0-9]+ records, |speed-up|^ *(Passed|Failed) " || true
