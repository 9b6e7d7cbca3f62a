#!/usr/bin/env bash
# The README's first command: builds zkdash (release, self-contained) and runs
# `zkdash demo` — a local 3-node replicated ensemble of the embedded server,
# with the dashboard open on it (K kill, R restart, P pause, L load, ? help,
# q quit). Extra arguments go to `zkdash demo` (e.g. --nodes 5 --observers 1,
# --base-port 21000, --headless). See docs/demo.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || { echo "swift is not on PATH" >&2; exit 1; }
swift build -c release -Xswiftc -static-stdlib --product zkdash
exec .build/release/zkdash demo "$@"
