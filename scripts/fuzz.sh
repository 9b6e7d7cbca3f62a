#!/usr/bin/env bash
# libFuzzer targets for the parsers that read untrusted bytes (docs/reliability.md).
#
#   scripts/fuzz.sh --smoke            every target for FUZZ_SMOKE_SECONDS (default 5), as CI runs it
#   scripts/fuzz.sh TARGET [SECONDS]   one target, default 3600 s (issue 14: an hour per target on demand)
#
# Targets: frame (client frames and requests), quorum-wire (quorum and election
# frames), zoo-cfg (zoo.cfg text), four-letter (four-letter-word, vote and
# AdminServer answers), theme (dashboard theme files). Each is built with
# swiftc -sanitize=fuzzer,address from the module sources it needs (SwiftPM
# renames an executable's entry point, which libFuzzer's main cannot use), into
# .build-fuzz/. Corpora live in Fuzz/corpus/TARGET and grow as the fuzzer finds
# new paths; a crash writes .build-fuzz/crash-* and fails the run. Seeds named
# crash-* are inputs that once crashed (docs/reliability.md): every run checks
# they no longer do. Ends with `N passed, N failed`.
#
# Env: FUZZ_SMOKE_SECONDS; FUZZ_SKIP_THEME=1 leaves theme out of --smoke;
# FUZZ_CHUNK_SECONDS: restart the fuzzer this often (default: never).
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.build-fuzz"
SRC="$ROOT/Sources"
mkdir -p "$OUT"
SAN=(-sanitize=fuzzer,address -parse-as-library -O -g)
lib() {  # lib NAME DEPS... : a static, instrumented library of Sources/NAME (or the files in $FILES),
  # compiled with $LIBFLAGS too; rebuilt when a source or a DEPS library (lib$DEP.a) is newer.
  local name="$1"; shift
  local files=${FILES:-$(find "$SRC/$name" -name '*.swift' | sort)}
  local deps=() d
  for d in "$@"; do deps+=("$OUT/lib$d.a"); done
  # shellcheck disable=SC2086
  if [ -f "$OUT/lib$name.a" ] && [ -z "$(find $files "${deps[@]}" -newer "$OUT/lib$name.a" | head -n 1)" ]; then return 0; fi
  rm -f "$OUT/lib$name.a"
  # shellcheck disable=SC2086
  swiftc "${SAN[@]}" ${LIBFLAGS:-} -emit-library -static -emit-module -module-name "$name" -I "$OUT" \
    -emit-module-path "$OUT/$name.swiftmodule" -o "$OUT/lib$name.a" $files 2>&1 | grep -v "warning: Cannot export local symbol" || true
  [ -f "$OUT/lib$name.a" ]
}

theme_libs() {  # DashboardUI's theme sources with -enable-testing (the target uses @testable import)
  FILES="$(find "$SRC/DashboardUI/Theme" -name '*.swift' | sort) $SRC/DashboardUI/Screen/StyleRole.swift" \
    LIBFLAGS="-enable-testing" lib DashboardUI
}

build_libs() {
  lib ZooKeeperProtocol &&
  lib ZooKeeperAdmin &&
  lib EnsembleModel &&
  FILES="$SRC/QuorumCore/QuorumWire.swift $SRC/QuorumCore/QuorumMessage.swift $SRC/QuorumCore/Vote.swift" lib QuorumCore
}

target_libs() {
  case "$1" in
    frame) echo "-lZooKeeperProtocol" ;;
    quorum-wire) echo "-lQuorumCore -lZooKeeperProtocol" ;;
    zoo-cfg) echo "-lZooKeeperAdmin -lZooKeeperProtocol" ;;
    four-letter) echo "-lEnsembleModel -lZooKeeperAdmin -lZooKeeperProtocol" ;;
    theme) echo "-lDashboardUI" ;;
    *) echo "unknown target $1" >&2; return 1 ;;
  esac
}

build_target() {
  local target="$1" libs
  libs=$(target_libs "$target") || return 1
  if [ "$target" = theme ]; then theme_libs || return 1; fi
  # shellcheck disable=SC2086
  swiftc "${SAN[@]}" -I "$OUT" -L "$OUT" $libs -module-name "Fuzz_${target//-/_}" \
    "$ROOT/Fuzz/Targets/$target.swift" -o "$OUT/fuzz-$target" 2>&1 | grep -v "warning: Cannot export local symbol" || true
  [ -x "$OUT/fuzz-$target" ]
}

run_target() {  # run_target TARGET SECONDS
  local target="$1" seconds="$2" chunk left n rc=0 chunks=0 f
  chunk=${FUZZ_CHUNK_SECONDS:-$seconds}
  local extra=()
  # New inputs go to .build-fuzz/corpus-TARGET; the seeds in Fuzz/corpus/TARGET are only read.
  mkdir -p "$OUT/corpus-$target"
  : > "$OUT/fuzz-$target.log"
  left=$seconds
  while [ "$rc" = 0 ] && [ "$left" -gt 0 ]; do
    n=$((left < chunk ? left : chunk))
    # SWIFT_BACKTRACE=enable=no: the Swift runtime's crash handler would read memory
    # ASan reports, hiding the real crash; libFuzzer's handler prints the stack instead.
    (cd "$OUT" && SWIFT_BACKTRACE=enable=no "$OUT/fuzz-$target" -max_total_time="$n" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -print_final_stats=1 "${extra[@]}" "$OUT/corpus-$target" "$ROOT/Fuzz/corpus/$target" >> "$OUT/fuzz-$target.log" 2>&1)
    rc=$?
    left=$((left - n)); chunks=$((chunks + 1))
  done
  grep -E "^stat::number_of_executed_units|^Done|ERROR|SUMMARY" "$OUT/fuzz-$target.log" | sed "s/^/  $target: /"
  if [ "$chunks" -gt 1 ]; then
    awk -v t="$target" -v c="$chunks" '/^stat::number_of_executed_units/ { n += $2 }
      END { print "  " t ": " n " executions in " c " runs" }' "$OUT/fuzz-$target.log"
  fi
  # Inputs that once crashed must not any more (they are also in the corpus the run read).
  for f in "$ROOT/Fuzz/corpus/$target"/crash-*; do
    [ -f "$f" ] || continue
    if (cd "$OUT" && SWIFT_BACKTRACE=enable=no "$OUT/fuzz-$target" -runs=1 "$f" > /dev/null 2>&1); then
      echo "  $target: former crash ${f##*/} is handled"
    else
      echo "  $target: former crash ${f##*/} crashes again (docs/reliability.md)"; rc=1
    fi
  done
  return $rc
}

TARGETS=(frame quorum-wire zoo-cfg four-letter theme)
[ -n "${FUZZ_SKIP_THEME:-}" ] && TARGETS=(frame quorum-wire zoo-cfg four-letter)
passed=0; failed=0
if [ "${1:-}" = "--smoke" ] || [ -z "${1:-}" ]; then
  seconds="${FUZZ_SMOKE_SECONDS:-5}"; chosen=("${TARGETS[@]}")
else
  seconds="${2:-3600}"; chosen=("$1")
fi
echo "== fuzz: ${chosen[*]} (${seconds} s each)"
if ! build_libs; then
  echo "fuzz: building the instrumented libraries failed"; echo "0 passed, 1 failed"; exit 1
fi
for t in "${chosen[@]}"; do
  if build_target "$t" && run_target "$t" "$seconds"; then
    echo "PASS fuzz $t"; passed=$((passed + 1))
  else
    echo "FAIL fuzz $t (see $OUT/fuzz-$t.log)"; failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
