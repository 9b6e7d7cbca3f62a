#!/usr/bin/env bash
# Full test run for zkdash:
#   1. install missing Debian packages the interop suites need
#   2. swift build
#   3. swift test (XCTest / Swift Testing)
#   4. scripts/fuzz.sh --smoke (each libFuzzer target for a few seconds)
#   5. /usr/bin/python3 tests/interop/run.py   (ZK_TARGET=both by default)
# Exits non-zero if any step failed; ends with one summary line
#   `N passed, N failed, N skipped`.
# Env: ZK_TARGET=zkdash|apache|both, ZKDASH_BIN, INTEROP_ARGS (e.g. "kazoo hostile"), INTEROP_JOBS (default 2),
#      SKIP_SWIFT_TEST=1, SKIP_FUZZ=1, SKIP_INTEROP=1.
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)
LOGDIR=${TEST_LOG_DIR:-$ROOT/.build/test-logs}
mkdir -p "$LOGDIR"
T0=$(date +%s)

# ------------------------------------------------------------------ packages
PKGS=(zookeeper zookeeper-bin libzookeeper-mt-dev python3-kazoo zktop tmux libncurses-dev)
missing=()
for p in "${PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing missing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update || echo "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}" || echo "apt-get install failed"
fi

# ------------------------------------------------------------------ swift build
echo "== swift build"
build_rc=0
swift build 2>&1 | tee "$LOGDIR/swift-build.log" | grep -E "error:|warning: unre|Compiling|Build complete|Linking" | tail -n 40
build_rc=${PIPESTATUS[0]}
echo "swift build exit $build_rc"

# ------------------------------------------------------------------ swift test
st_rc=0
st_passed=0
st_failed=0
if [ -z "${SKIP_SWIFT_TEST:-}" ]; then
  echo "== swift test"
  swift test 2>&1 | tee "$LOGDIR/swift-test.log" | grep -vE "^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)|^Test Case .* (started|passed)|^[[:space:]]*[◇✔] Test " | tail -n 200
  st_rc=${PIPESTATUS[0]}
  # XCTest: "Executed N tests, with F failures"; Swift Testing: "Test run with N tests ... passed|failed"
  xct=$(grep -E "^[[:space:]]*Executed [0-9]+ tests?, with [0-9]+ failures?" "$LOGDIR/swift-test.log" | tail -n 1)
  if [ -n "$xct" ]; then
    n=$(echo "$xct" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
    f=$(echo "$xct" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
    st_passed=$((st_passed + n - f))
    st_failed=$((st_failed + f))
  fi
  stt=$(grep -E "Test run with [0-9]+ tests?" "$LOGDIR/swift-test.log" | tail -n 1)
  if [ -n "$stt" ]; then
    n=$(echo "$stt" | sed -E 's/.*Test run with ([0-9]+) tests?.*/\1/')
    if echo "$stt" | grep -q "passed"; then
      st_passed=$((st_passed + n))
    else
      f=$(echo "$stt" | sed -nE 's/.* ([0-9]+) issues?.*/\1/p')
      st_passed=$((st_passed + n))
      st_failed=$((st_failed + ${f:-1}))
    fi
  fi
  if [ "$st_rc" != 0 ] && [ "$st_failed" = 0 ]; then st_failed=1; fi
  echo "swift test exit $st_rc"
fi

# ------------------------------------------------------------------ fuzz smoke
# A few seconds per libFuzzer target (scripts/fuzz.sh TARGET SECONDS runs one for longer).
fz_rc=0
fz_passed=0
fz_failed=0
if [ -z "${SKIP_FUZZ:-}" ]; then
  bash "$ROOT/scripts/fuzz.sh" --smoke 2>&1 | tee "$LOGDIR/fuzz.log"
  fz_rc=${PIPESTATUS[0]}
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOGDIR/fuzz.log" | tail -n 1)
  if [ -n "$line" ]; then
    fz_passed=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    fz_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  fi
  if [ "$fz_rc" != 0 ] && [ "$fz_failed" = 0 ]; then fz_failed=1; fi
fi

# ------------------------------------------------------------------ interop
it_rc=0
it_passed=0
it_failed=0
it_skipped=0
if [ -z "${SKIP_INTEROP:-}" ]; then
  # Two processes at once (suites split by their usual duration, each with its own
  # ports): most of the suites' time is waiting, and this keeps the run under 30 min.
  echo "== interop suites (ZK_TARGET=${ZK_TARGET:-both}, INTEROP_JOBS=${INTEROP_JOBS:-2})"
  # shellcheck disable=SC2086
  INTEROP_JOBS=${INTEROP_JOBS:-2} timeout --signal=TERM --kill-after=30 ${INTEROP_TIMEOUT:-1800} \
    /usr/bin/python3 "$ROOT/tests/interop/run.py" ${INTEROP_ARGS:-} 2>&1 | tee "$LOGDIR/interop.log"
  it_rc=${PIPESTATUS[0]}
  line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOGDIR/interop.log" | tail -n 1)
  if [ -n "$line" ]; then
    it_passed=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
    it_failed=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
    it_skipped=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
    it_skipped=${it_skipped:-0}
  fi
  if [ "$it_rc" != 0 ] && [ "$it_failed" = 0 ]; then it_failed=1; fi
fi

# ------------------------------------------------------------------ summary
T1=$(date +%s)
echo
echo "== summary ($((T1 - T0))s)"
echo "swift build: exit $build_rc"
[ -z "${SKIP_SWIFT_TEST:-}" ] && echo "swift test:  exit $st_rc ($st_passed passed, $st_failed failed)"
[ -z "${SKIP_FUZZ:-}" ] && echo "fuzz smoke:  exit $fz_rc ($fz_passed passed, $fz_failed failed)"
[ -z "${SKIP_INTEROP:-}" ] && echo "interop:     exit $it_rc ($it_passed passed, $it_failed failed, $it_skipped skipped)"
total_failed=$((st_failed + fz_failed + it_failed + (build_rc != 0 ? 1 : 0)))
echo "$((st_passed + fz_passed + it_passed)) passed, $total_failed failed, $it_skipped skipped"
if [ "$build_rc" != 0 ] || [ "$st_rc" != 0 ] || [ "$fz_rc" != 0 ] || [ "$it_rc" != 0 ]; then
  exit 1
fi
exit 0
