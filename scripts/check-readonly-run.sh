#!/usr/bin/env bash
# Runs the reference apps (integ/jessica, integ/hello) the way ContainerService's defaults run
# them on Fargate, on loopback, and fails on any write outside the scratch folder:
# - a private mount namespace (unshare -m) whose root filesystem is remounted read-only (a bind
#   remount: only this namespace's view changes, never the machine's filesystem);
# - a fresh tmpfs on /tmp, mode 1777 (the one writable path, as the task's scratch volume);
# - uid and gid 1000 (the default `user`), no supplementary groups, no capabilities at all
#   (bounding, inheritable and ambient sets empty: `dropCapabilities: [ALL]`), no new privileges;
# - strace -f records every file syscall that fails with EROFS, EACCES or EPERM.
# Jessica talks to the ElevenLabs test stand-in (test/jessica/elevenlabs-stand-in.ts) on
# 127.0.0.1; the checks call /health, the voices, models, config (read and write), speech
# (streamed MP3) and the MCP endpoint, and the hello server's health and echo paths.
#
# Needs root (for unshare and mount; the apps themselves run as uid 1000), strace, and
# `npm ci --prefix integ/jessica` done. Not part of CI. Usage: bash scripts/check-readonly-run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

[ "$(id -u)" = 0 ] || { echo "check-readonly-run: needs root (unshare -m, mount)" >&2; exit 2; }
command -v strace > /dev/null || { echo "check-readonly-run: needs strace" >&2; exit 2; }

WORK=$(mktemp -d /var/tmp/check-readonly-run.XXXXXX)
STAND_IN_PID=
cleanup() {
  [ -n "$STAND_IN_PID" ] && kill "$STAND_IN_PID" 2> /dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The apps as the images hold them: built, production dependencies, owned by root, read-only to uid 1000.
(cd integ/jessica && npm run build --silent)
mkdir -p "$WORK/jessica" "$WORK/hello"
cp -r integ/jessica/package.json integ/jessica/dist integ/jessica/node_modules "$WORK/jessica/"
cp integ/hello/server.js "$WORK/hello/"
chmod -R a-w,a+rX "$WORK/jessica" "$WORK/hello"
chmod 755 "$WORK"

# The ElevenLabs stand-in, outside the namespace, on a free loopback port.
cat > "$WORK/stand-in.ts" << EOF
import { ElevenLabsStandIn } from '$ROOT/test/jessica/elevenlabs-stand-in';
const standIn = new ElevenLabsStandIn('sk_test_readonly_run_0123456789');
standIn.start().then(() => console.log(standIn.url));
EOF
chmod a-w "$WORK/stand-in.ts"
TS_NODE_TRANSPILE_ONLY=1 "$ROOT/node_modules/.bin/ts-node" --project tsconfig.dev.json "$WORK/stand-in.ts" > "$WORK/stand-in.url" 2> "$WORK/stand-in.err" &
STAND_IN_PID=$!
for _ in $(seq 1 100); do [ -s "$WORK/stand-in.url" ] && break; sleep 0.2; done
STAND_IN_URL=$(head -1 "$WORK/stand-in.url")
[ -n "$STAND_IN_URL" ] || { cat "$WORK/stand-in.err" >&2; echo "check-readonly-run: the stand-in did not start" >&2; exit 1; }

# Node itself from outside /tmp (a tmpfs hides /tmp inside the namespace).
mkdir -p "$WORK/bin" && cp "$(command -v node)" "$WORK/bin/node"
NODE=$WORK/bin/node
cat > "$WORK/inside.sh" << 'EOF'
#!/usr/bin/env bash
# Runs inside the private mount namespace, as root until setpriv.
set -euo pipefail
WORK=$1 NODE=$2 STAND_IN_URL=$3
mount --make-rprivate /
mount -o bind,remount,ro /
mount -t tmpfs -o mode=1777,size=64m scratch /tmp
# The machine's root filesystem is read-only here: prove it before trusting anything else.
if touch "$WORK/probe" 2> /dev/null || touch /probe 2> /dev/null; then echo "root filesystem is writable" >&2; exit 1; fi

as_app() {
  # uid/gid 1000, no groups, no capabilities, no new privileges; failed file syscalls logged.
  exec strace -f -qq -Z -e trace=%file,write,truncate,ftruncate -e status=failed -o "/tmp/strace.$1" \
    setpriv --reuid=1000 --regid=1000 --clear-groups --inh-caps=-all --bounding-set=-all --ambient-caps=-all --no-new-privs \
    env -i PATH=/usr/bin:/bin HOME=/nonexistent TMPDIR=/tmp NODE_ENV=production "${@:2}"
}
wait_for() {
  for _ in $(seq 1 100); do curl -fsS "$1" > /dev/null 2>&1 && return 0; sleep 0.1; done
  echo "no answer from $1" >&2; return 1
}

# The detector itself: a write to the image's files that the app swallows is still seen.
as_app probe "$NODE" -e "try { require('fs').writeFileSync('$WORK/jessica/probe', 'x') } catch {}" &
wait $!
grep -q EROFS /tmp/strace.probe || { echo "the trace did not see a refused write" >&2; exit 1; }
rm /tmp/strace.probe

for port in 9520 9580; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is in use" >&2; exit 1; fi
done
JESSICA= HELLO=
stop_apps() {
  for pid in $JESSICA $HELLO; do kill "$(pgrep -P "$pid")" 2> /dev/null || true; done
}
trap stop_apps EXIT

cd "$WORK/jessica"
as_app jessica PORT=9520 HOST=127.0.0.1 ROOT_PATH=/jessica SERVICE_NAME=jessica LOG_LEVEL=info \
  ELEVENLABS_API_KEY=sk_test_readonly_run_0123456789 ELEVENLABS_BASE_URL="$STAND_IN_URL" \
  "$NODE" dist/main.js > /tmp/jessica.log 2>&1 &
JESSICA=$!
cd "$WORK/hello"
as_app hello PORT=9580 HOST=127.0.0.1 SERVICE_NAME=hello "$NODE" server.js > /tmp/hello.log 2>&1 &
HELLO=$!

J=http://127.0.0.1:9520/jessica
wait_for "$J/health"
wait_for http://127.0.0.1:9580/hello/health
curl -fsS "$J/health" | grep -q '"elevenlabs_api_key":true'
curl -fsS "$J/api/v1/voices" | grep -q cgSgspJ2msm6clMCkdW9
curl -fsS "$J/api/v1/models" | grep -q eleven_flash_v2_5
curl -fsS -X POST -H 'content-type: application/json' -d '{"settings":{"auto_play":false}}' "$J/api/v1/config" | grep -q '"auto_play":false'
curl -fsS -X POST -H 'content-type: application/json' -d '{"text":"Hello from a read-only filesystem"}' \
  "$J/api/v1/tts/stream" -o /tmp/speech.mp3
[ "$(stat -c %s /tmp/speech.mp3)" -gt 1000 ]
curl -fsS -X POST -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
  -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' "$J/mcp" | grep -q speak_text
curl -fsS http://127.0.0.1:9580/hello/health | grep -q '"status":"ok"'
curl -fsS http://127.0.0.1:9580/hello/anything | grep -q '"path":"/hello/anything"'
rm /tmp/speech.mp3

# SIGTERM to the apps (strace's children), as ECS stops a task; strace exits with their status.
for pid in "$JESSICA" "$HELLO"; do kill -TERM "$(pgrep -P "$pid")"; done
wait "$JESSICA" || { echo "jessica exited with $? on SIGTERM" >&2; cat /tmp/jessica.log >&2; exit 1; }
wait "$HELLO" || { echo "hello exited with $? on SIGTERM" >&2; cat /tmp/hello.log >&2; exit 1; }
JESSICA= HELLO=

STATUS=0
for app in jessica hello; do
  refused=$(grep -E 'EROFS|EACCES|EPERM' "/tmp/strace.$app" | grep -v -E '^[0-9]+ +(access|faccessat2?|statx?|newfstatat|readlink(at)?)\(' || true)
  if [ -n "$refused" ]; then echo "$app: refused file operations:" >&2; echo "$refused" >&2; STATUS=1; fi
  if grep -q -E 'EROFS|EACCES|read-only file system|permission denied' -i "/tmp/$app.log"; then
    echo "$app: its log reports a write failure:" >&2; cat "/tmp/$app.log" >&2; STATUS=1
  fi
done
# What the apps left in the scratch folder (their own files only: the logs and traces are ours).
left=$(find /tmp -mindepth 1 ! -name 'strace.*' ! -name '*.log' -printf '%u %p\n')
echo "scratch folder after the run: ${left:-empty}"
for app in jessica hello; do
  echo "$app: failed file syscalls by error (lookups of files that do not exist are ENOENT):" \
    "$(grep -o -E '= -1 E[A-Z]+' "/tmp/strace.$app" | sort | uniq -c | tr -s ' ' | paste -sd, -)"
done
exit $STATUS
EOF
chmod a+rx "$WORK/inside.sh"

unshare -m --propagation private bash "$WORK/inside.sh" "$WORK" "$NODE" "$STAND_IN_URL"
echo "check-readonly-run: jessica and hello ran as uid 1000 without capabilities on a read-only root filesystem, writing only to /tmp: OK"
