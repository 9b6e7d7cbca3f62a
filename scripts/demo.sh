#!/usr/bin/env bash
# Runs zkdash's embedded ZooKeeper server standalone on 127.0.0.1:2181 with a
# fresh data directory, until Ctrl-C. (The replicated `zkdash demo` with the
# dashboard arrives with the ensemble issue; until then this is the demo.)
# Env: ZKDASH_PORT (default 2181), ZKDASH_DATA (default a temp dir, removed on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || { echo "swift is not on PATH" >&2; exit 1; }
swift build -c release --product zkdash
port=${ZKDASH_PORT:-2181}
data=${ZKDASH_DATA:-$(mktemp -d -t zkdash-demo-XXXXXX)}
[ -n "${ZKDASH_DATA:-}" ] || trap 'rm -rf "$data"' EXIT
mkdir -p "$data"
cat > "$data/zoo.cfg" <<CFG
tickTime=2000
dataDir=$data
clientPort=$port
clientPortAddress=127.0.0.1
4lw.commands.whitelist=*
CFG
echo "zkdash server on 127.0.0.1:$port (data in $data); Ctrl-C stops it."
echo "try: /usr/share/zookeeper/bin/zkCli.sh -server 127.0.0.1:$port   or   printf mntr | python3 -c 'import socket,sys;s=socket.create_connection((\"127.0.0.1\",$port));s.sendall(b\"mntr\");print(s.recv(65536).decode())'"
.build/release/zkdash server --config "$data/zoo.cfg" || true
