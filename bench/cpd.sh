#!/bin/sh
# The change-point table in one run: perfdash's detector (offline `detect`, and `replay`, the
# alerting mode that checks every 10 builds) side by side with the anchors (apache-otava
# defaults, ruptures binseg, naive, zero) on the default benchmark set, seed 0.
#
#   bench/cpd.sh [score.py options]      # uses $CPD_PYTHON, else /work/venv-cpd/bin/python
#
# The anchors' packages stay out of the project's dependencies: make their virtual environment
# once with
#   python3 -m venv /work/venv-cpd
#   /work/venv-cpd/bin/pip install numpy scipy apache-otava==0.8.0 ruptures==1.1.10
# The kit is ../shared/bench/cpd (override with $CPD_KIT); data and results (table.md,
# summary.json) land in the git-ignored bench/cpd-data/.
set -eu
cd "$(dirname "$0")/.."
PY=${CPD_PYTHON:-/work/venv-cpd/bin/python}
KIT=${CPD_KIT:-../shared/bench/cpd}
[ -d "$KIT" ] || KIT=/work/shared/bench/cpd
"$PY" "$KIT/generate.py" bench/cpd-data/series --seed 0
PYTHONPATH=. "$PY" "$KIT/score.py" bench/cpd-data/series bench/cpd_detector.py:detect \
    bench/cpd_detector.py:replay --anchors --out bench/cpd-data/results "$@"
