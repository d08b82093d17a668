#!/usr/bin/env sh
# Refresh constraints.txt, the pinned versions that the README, .ci/run and the Dockerfile
# install with (`pip install -c constraints.txt ...`). pyproject.toml keeps the lower bounds;
# this file pins one tested set: every extra, every platform, Python 3.11 and up.
#
#   scripts/lock.sh              add or drop pins after a dependency change, keep the rest
#   scripts/lock.sh --upgrade    move every pin to the newest release the bounds allow
set -eu
cd "$(dirname "$0")/.."
command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
uv pip compile pyproject.toml --all-extras --universal --python-version 3.11 \
    --custom-compile-command scripts/lock.sh --output-file constraints.txt "$@"
