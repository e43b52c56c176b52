#!/usr/bin/env bash
# Scale-out numbers (README: Scaling out): the same run of distinct notes against one Extractor and against three
# replicas (Replicas:Extractor=3), each on a fresh stack under Aspire.Hosting.Testing; prints the time of each, the calls
# each replica answered (GetInfo's extractions_served) and the speed-up. CI asserts the spread only (AppHost.Tests).
# Usage: bash bench/scale-out.sh [records] [rules|onnx]   (defaults: 20000 with rules; 600 with onnx, a language model per
# replica that runs one generation at a time, as on one GPU: the generated tiny decoder)
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${2:-rules}
records=${1:-$([ "$engine" = onnx ] && echo 600 || echo 20000)}
dotnet build tests/AppHost.Tests -v quiet -nologo > /dev/null
CLINICAL_SCALE_BENCH=1 CLINICAL_SCALE_RECORDS=$records CLINICAL_SCALE_ENGINE=$engine \
  dotnet test tests/AppHost.Tests --no-build --filter "FullyQualifiedName~ScaleOutBench" --logger "console;verbosity=detailed" 2>&1 \
  | grep -E "(rules|onnx): [0-9]+ records, |speed-up|^ *(Passed|Failed) " || true
