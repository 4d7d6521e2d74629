#!/usr/bin/env bash
# Regenerates the training data from the simulator's physics and retrains/re-exports the model:
#   models/train.sh            (from anywhere; ~2 min on 2 idle cores, more when the machine is busy)
# Writes models/kavach-risk.onnx, models/README.md (the model card), models/metrics.json,
# models/eval/heldout-small.csv, models/kavach-risk.envelope.json (the training envelope the daemon
# abstains outside of) and the test fixture models. Needs the .NET SDK and Debian's
#   apt-get install -y python3-sklearn python3-onnx python3-numpy
# Python is Debian's /usr/bin/python3 on purpose (another python3 may be first on PATH).
# After a retrain, copy the new sha256 and threshold into src/Kavach.Edge/Model/ModelContract.cs
# (the tests check that the card, the constants and the file agree).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
data="${KAVACH_MODEL_DATA:-$here/../artifacts/model-data}"
mkdir -p "$data"
dotnet run --project "$here/Kavach.ModelData" -c Release -- --out "$data"
# one BLAS thread: the same numbers on any machine
OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 "$here/train.py" "$data"
# per input the range seen in training (the windows train.py used), tied to the new file's SHA-256
/usr/bin/python3 "$here/envelope.py" "$data"
/usr/bin/python3 "$here/make_test_models.py"
sha="$(sha256sum "$here/kavach-risk.onnx" | cut -d' ' -f1)"
echo "kavach-risk.onnx sha256 $sha"
grep -q "$sha" "$here/../src/Kavach.Edge/Model/ModelContract.cs" \
  || echo "NOTE: update ModelContract.CommittedSha256 (and CommittedHighProbability from metrics.json)"
