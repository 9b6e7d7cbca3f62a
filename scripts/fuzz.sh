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
# .build-fuzz/. theme also needs TOMLKit: its C++ part (toml++) is compiled with
# clang++ -fsanitize=fuzzer-no-link,address and its Swift part with swiftc, from
# the checkout SwiftPM resolved (.build/checkouts/TOMLKit, or TOMLKIT_DIR), once:
# later runs reuse .build-fuzz/libCTOML.a and libTOMLKit.a. Corpora live in
# Fuzz/corpus/TARGET and grow as the fuzzer finds new paths; a crash writes
# .build-fuzz/crash-* and fails the run. Seeds named crash-* are known findings
# (docs/reliability.md): each run says whether they still crash. Ends with
# `N passed, N failed`.
#
# Env: FUZZ_SMOKE_SECONDS; FUZZ_SKIP_THEME=1 leaves theme out of --smoke (no
# TOMLKit build); FUZZ_CHUNK_SECONDS: restart the fuzzer this often (default:
# 120 s for theme, whose TOMLKit leaks every parse, else never); TOMLKIT_DIR.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.build-fuzz"
SRC="$ROOT/Sources"
mkdir -p "$OUT"
SAN=(-sanitize=fuzzer,address -parse-as-library -O -g)
# toml++ as SwiftPM builds it (TOML_EXCEPTIONS=1, no NDEBUG: its asserts are on in
# zkdash's debug and release builds alike), instrumented for coverage and ASan;
# see tomlkit() for what a failed assert does here.
CXX="${CXX:-$(dirname "$(command -v swiftc)")/clang++}"
CXXSAN=(-fsanitize=fuzzer-no-link,address -std=c++17 -DTOML_EXCEPTIONS=1 -O1 -g -fPIC -w)
TOMLKIT="${TOMLKIT_DIR:-$ROOT/.build/checkouts/TOMLKit}"

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

tomlkit() {  # libCTOML.a (toml++ and TOMLKit's C shim) and libTOMLKit.a, from the TOMLKit checkout
  local csrc="$TOMLKIT/Sources/CTOML" ssrc="$TOMLKIT/Sources/TOMLKit" stamp f ok=1 pids=() p
  if [ ! -d "$csrc/Sources" ] || [ ! -d "$ssrc" ]; then
    echo "fuzz: no TOMLKit checkout at $TOMLKIT: run swift build (or swift package resolve) first, or set TOMLKIT_DIR"
    return 1
  fi
  # Bump the v number when the build below changes.
  stamp="v2 $TOMLKIT $(git -C "$TOMLKIT" rev-parse HEAD 2>/dev/null)"
  # Built once per checkout: rebuilt only when its revision or a file in it changes.
  if [ -f "$OUT/libCTOML.a" ] && [ -f "$OUT/libTOMLKit.a" ] && [ "$(cat "$OUT/TOMLKit.stamp" 2>/dev/null)" = "$stamp" ] &&
     [ -z "$(find "$csrc" "$ssrc" -type f -newer "$OUT/libTOMLKit.a" | head -n 1)" ]; then return 0; fi
  echo "== fuzz: building TOMLKit (toml++ with clang++, then its Swift part) from $TOMLKIT"
  rm -rf "$OUT/libCTOML.a" "$OUT/libTOMLKit.a" "$OUT/TOMLKit.stamp" "$OUT/CTOML" "$OUT/ctoml-obj"
  mkdir -p "$OUT/CTOML" "$OUT/ctoml-obj"
  # The CTOML module map and header, which the TOMLKit module (and so DashboardUI's) imports.
  cp "$csrc/include/CTOML/"* "$OUT/CTOML/"
  # toml++'s asserts go through TOML_ASSERT. Here a failed one asks the fuzz target
  # (zkdash_fuzz_toml_assert_known, Fuzz/Targets/theme.swift) whether it is a known
  # finding: if so the parse ends with a toml::parse_error, which TOMLKit turns into
  # TOMLParseError, so fuzzing goes on past it; if not it aborts like assert does.
  cat > "$OUT/ctoml-obj/fuzz_toml_assert.h" <<'CPP'
#pragma once
#ifdef __cplusplus
extern "C"
#endif
__attribute__((noreturn)) void zkdash_fuzz_toml_assert(const char *expr, const char *file, unsigned line, const char *function);
#define TOML_ASSERT(expr) ((expr) ? (void)0 : zkdash_fuzz_toml_assert(#expr, __FILE__, __LINE__, __func__))
CPP
  cat > "$OUT/ctoml-obj/fuzz_toml_assert.cpp" <<'CPP'
#include <cstdio>
#include <cstdlib>
#include "toml.hpp"
extern "C" int zkdash_fuzz_toml_assert_known(const char *expr, const char *function);
extern "C" void zkdash_fuzz_toml_assert(const char *expr, const char *file, unsigned line, const char *function) {
    if (zkdash_fuzz_toml_assert_known(expr, function))
        throw toml::parse_error("known toml++ assertion failed (fuzz build)", toml::source_position{});
    std::fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, function, expr);
    std::abort();
}
CPP
  for f in "$csrc/Sources/"*.cpp "$OUT/ctoml-obj/fuzz_toml_assert.cpp"; do
    "$CXX" "${CXXSAN[@]}" -include "$OUT/ctoml-obj/fuzz_toml_assert.h" -I "$csrc/include" -I "$csrc/Sources" \
      -c "$f" -o "$OUT/ctoml-obj/$(basename "$f" .cpp).o" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || ok=0; done
  [ "$ok" = 1 ] && llvm-ar rcs "$OUT/libCTOML.a" "$OUT/ctoml-obj/"*.o || return 1
  # Swift 5 language mode, as its Package.swift (tools 5.4) builds it.
  find "$ssrc" -name '*.swift' -print0 | sort -z | xargs -0 swiftc "${SAN[@]}" -swift-version 5 -suppress-warnings \
    -emit-library -static -emit-module -module-name TOMLKit -I "$OUT/CTOML" \
    -emit-module-path "$OUT/TOMLKit.swiftmodule" -o "$OUT/libTOMLKit.a" 2>&1 | grep -v "warning: Cannot export local symbol" || true
  [ -f "$OUT/libTOMLKit.a" ] && echo "$stamp" > "$OUT/TOMLKit.stamp"
}

theme_libs() {  # TOMLKit, then DashboardUI's theme sources with -enable-testing (the target uses @testable import)
  tomlkit &&
  FILES="$(find "$SRC/DashboardUI/Theme" -name '*.swift' | sort) $SRC/DashboardUI/Screen/StyleRole.swift" \
    LIBFLAGS="-enable-testing -I $OUT/CTOML" lib DashboardUI TOMLKit
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
    theme) echo "-I $OUT/CTOML -lDashboardUI -lTOMLKit -lCTOML -lstdc++" ;;
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
  # TOMLKit leaks every parse (docs/reliability.md), so theme's memory grows with
  # its executions: it runs in chunks, each a new process on the grown corpus.
  chunk=${FUZZ_CHUNK_SECONDS:-$([ "$target" = theme ] && echo 120 || echo "$seconds")}
  # For the same reason libFuzzer's leak check after each new input would run (and
  # find only TOMLKit's suppressed leaks) until it gives up after 1000 tries, at a
  # cost of seconds per start; LSan's check at exit stays on.
  local extra=()
  [ "$target" = theme ] && extra=(-detect_leaks=0)
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
  # Known findings: seeds that the target lets pass (theme: knownTOMLAsserts); do they still crash
  # when the target treats them as zkdash does (FUZZ_UNFILTERED=1)?
  for f in "$ROOT/Fuzz/corpus/$target"/crash-*; do
    [ -f "$f" ] || continue
    if (cd "$OUT" && FUZZ_UNFILTERED=1 SWIFT_BACKTRACE=enable=no "$OUT/fuzz-$target" -runs=1 "$f" > /dev/null 2>&1); then
      echo "  $target: known finding ${f##*/} no longer crashes: take it out of the known findings in Fuzz/Targets/$target.swift"
    else
      echo "  $target: known finding ${f##*/} still crashes (docs/reliability.md)"
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
