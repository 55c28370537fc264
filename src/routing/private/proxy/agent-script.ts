/**
 * The proxy instance's agent: a bash script installed as `/usr/local/sbin/platform-proxy-agent`
 * and run every 30 seconds by a systemd timer (the unit texts are below; the instance's user
 * data writes them). It needs bash, the AWS CLI v2, python3 (for JSON: dnf needs it, so every
 * Amazon Linux 2023 image has it; jq is not relied upon), curl, gzip, journalctl and HAProxy.
 *
 * The script is plain text with every path and command taken from an environment variable (the
 * defaults are the instance's), so that the tests run the same text with stand-ins for `aws`,
 * the reload and `journalctl`, and the real `haproxy -c`.
 */
import { Token } from 'aws-cdk-lib';

/** Where the instance installs the agent. @internal */
export const PROXY_AGENT_PATH = '/usr/local/sbin/platform-proxy-agent';

/** An optional environment file the agent's service reads (`PROXY_BUCKET=...`, `PROXY_REGION=...`). @internal */
export const PROXY_AGENT_ENV_FILE = '/etc/platform-proxy/agent.env';

/** What the agent script is written with. @internal */
export interface ProxyAgentScriptOptions {
  /**
   * The proxy bucket's name, written into the script as the default of `PROXY_BUCKET` (a token
   * resolves in the user data).
   * @default - none: `PROXY_BUCKET` must be set (for example in the environment file)
   */
  readonly bucketName?: string;
  /**
   * The bucket's Region, the default of `PROXY_REGION`.
   * @default - the instance's Region, from the instance metadata (IMDSv2)
   */
  readonly region?: string;
}

const AGENT_SCRIPT = `#!/bin/bash
# platform-proxy-agent, written by @georgi-io/platform-constructs (do not edit: a new instance
# gets it from its user data). Run by platform-proxy-agent.timer every 30 seconds, one run:
#  a. gets the proxy's configuration bundle from S3 when its ETag changed (quiet when not);
#  b. writes the bundle's key files (content-addressed), checks the configuration with
#     \`haproxy -c\` and its key files, and only then swaps it in and reloads HAProxy (a refused
#     bundle is logged, the running configuration stays, and it is not tried again);
#  c. removes key files that the configuration does not name;
#  d. uploads the new log lines of HAProxy and of this agent (journald) for the platform's
#     proxy publisher, which forwards them to the platform's log group.
# Every path and command can be changed by an environment variable (the tests run it with
# stand-ins); the defaults are the instance's. A failure logs one line and exits 0: HAProxy
# keeps serving with what it has.
set -uo pipefail
umask 022

BUCKET="\${PROXY_BUCKET:-@@BUCKET@@}"
REGION="\${PROXY_REGION:-@@REGION@@}"
BUNDLE_KEY="\${PROXY_BUNDLE_KEY:-proxy/bundle.json}"
CONFIG="\${PROXY_CONFIG:-/etc/haproxy/haproxy.cfg}"
KEY_DIR="\${PROXY_KEY_DIR:-/etc/haproxy/platform}"
STATE_DIR="\${PROXY_STATE_DIR:-/var/lib/platform-proxy}"
HAPROXY="\${PROXY_HAPROXY:-/usr/sbin/haproxy}"
RELOAD="\${PROXY_RELOAD:-systemctl reload haproxy}"
AWS="\${PROXY_AWS:-aws}"
JOURNALCTL="\${PROXY_JOURNALCTL:-journalctl}"
PYTHON="\${PROXY_PYTHON:-python3}"
IMDS="\${PROXY_IMDS:-http://169.254.169.254}"
LOG_UNITS="\${PROXY_LOG_UNITS:-haproxy platform-proxy-agent}"

log() { printf '%s\\n' "$*"; }
oneline() { tr -s '\\n\\t' '  ' <"$1" | sed 's/^ *//; s/ *$//' | cut -c1-"\${2:-300}"; }

if [ -z "$BUCKET" ]; then log "no bucket: set PROXY_BUCKET"; exit 0; fi
if ! mkdir -p "$STATE_DIR" "$KEY_DIR/jwks"; then log "cannot create $STATE_DIR or $KEY_DIR/jwks"; exit 0; fi
work=$(mktemp -d "$STATE_DIR/run.XXXXXX") || exit 0
trap 'rm -rf "$work"' EXIT

# IMDSv2: a session token, then the instance's id (and its Region when none is given).
token=$(curl -sf -m 2 -X PUT "$IMDS/latest/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' 2>/dev/null || true)
imds() { [ -n "$token" ] && curl -sf -m 2 -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/meta-data/$1" 2>/dev/null; }
INSTANCE_ID=$(imds instance-id || true)
[ -n "$REGION" ] || REGION=$(imds placement/region || true)
region=()
[ -n "$REGION" ] && region=(--region "$REGION")

remember() { if [ -n "$1" ]; then printf '%s\\n' "$1" >"$STATE_DIR/bundle.etag"; else rm -f "$STATE_DIR/bundle.etag"; fi; }

install_bundle() {
  local last="" etag
  [ -f "$STATE_DIR/bundle.etag" ] && last=$(cat "$STATE_DIR/bundle.etag")
  local args=(s3api get-object "\${region[@]}" --bucket "$BUCKET" --key "$BUNDLE_KEY")
  [ -n "$last" ] && args+=(--if-none-match "$last")
  if ! "$AWS" "\${args[@]}" "$work/bundle.json" >"$work/get.json" 2>"$work/get.err"; then
    grep -q '(304)\\|Not Modified' "$work/get.err" && return 0
    log "bundle not fetched, the running configuration stays: $(oneline "$work/get.err")"
    return 0
  fi
  etag=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["ETag"])' "$work/get.json" 2>/dev/null) || etag=""
  # The key files first (content-addressed: a file is never overwritten with other content),
  # then the configuration next to the running one.
  local rc=0
  "$PYTHON" - "$work/bundle.json" "$KEY_DIR" "$CONFIG.new" >"$work/install.out" 2>&1 <<'PY' || rc=$?
import hashlib, json, os, re, sys
bundle_file, key_dir, out = sys.argv[1:4]
with open(bundle_file, encoding='utf-8') as f:
    bundle = json.load(f)
def refuse(message):
    # Exit 3: the bundle itself is wrong, not worth another try; anything else (a full disk, a
    # write error) is tried again at the next run.
    print(message)
    sys.exit(3)
if not isinstance(bundle, dict) or bundle.get('v') != 1 or not isinstance(bundle.get('config'), str):
    refuse('not a version 1 bundle')
files = bundle.get('files') or {}
if not isinstance(files, dict):
    refuse('its files are not an object')
for name, text in sorted(files.items()):
    if not re.fullmatch(r'jwks/[0-9a-f]{32}\\.pem', name) or not isinstance(text, str):
        refuse('file name %r is not jwks/<32 hex digits>.pem' % name)
    data = text.encode('utf-8')
    if hashlib.sha256(data).hexdigest()[:32] != name[5:37]:
        refuse('%s: its content does not match its name' % name)
    path = os.path.join(key_dir, name)
    if os.path.exists(path):
        with open(path, 'rb') as f:
            if f.read() != data:
                refuse('%s exists with other content, not overwritten' % path)
        continue
    with open(path + '.tmp', 'wb') as f:
        f.write(data)
    os.chmod(path + '.tmp', 0o644)
    os.replace(path + '.tmp', path)
config = bundle['config'] if bundle['config'].endswith('\\n') else bundle['config'] + '\\n'
# HAProxy 2.6 accepts a configuration whose key file is missing, and then refuses every token.
for path in re.findall(r"jwt_verify\\([A-Z0-9]+,'([^']+)'\\)", config):
    if not os.path.isfile(path):
        refuse('the configuration names the key file %s, which is not there' % path)
with open(out, 'w', encoding='utf-8') as f:
    f.write(config)
print(bundle.get('digest', ''))
PY
  if [ "$rc" -ne 0 ]; then
    rm -f "$CONFIG.new"
    if [ "$rc" -eq 3 ]; then
      log "bundle $etag refused, the running configuration stays: $(oneline "$work/install.out")"
      remember "$etag"
    else
      log "bundle $etag not installed (tried again at the next run): $(oneline "$work/install.out")"
    fi
    return 0
  fi
  local digest
  digest=$(head -c 64 "$work/install.out")
  if ! "$HAPROXY" -c -f "$CONFIG.new" >"$work/check.out" 2>&1; then
    log "bundle $etag (digest $digest) refused by haproxy -c, the running configuration stays: $(grep -v NOTICE "$work/check.out" >"$work/check.err"; oneline "$work/check.err" 500)"
    rm -f "$CONFIG.new"
    remember "$etag"
    return 0
  fi
  if cmp -s "$CONFIG.new" "$CONFIG"; then
    rm -f "$CONFIG.new"
    remember "$etag"
    return 0
  fi
  if ! mv -f "$CONFIG.new" "$CONFIG"; then
    log "bundle $etag not installed: cannot replace $CONFIG"
    return 0
  fi
  if $RELOAD >"$work/reload.out" 2>&1; then
    log "bundle $etag (digest $digest) installed, haproxy reloaded"
  else
    log "bundle $etag (digest $digest) installed, but the reload failed: $(oneline "$work/reload.out")"
  fi
  remember "$etag"
}

remove_unused_keys() {
  local f
  rm -f "$KEY_DIR"/jwks/*.tmp
  for f in "$KEY_DIR"/jwks/*.pem; do
    [ -e "$f" ] || continue
    grep -qF "'$f'" "$CONFIG" 2>/dev/null || rm -f "$f"
  done
}

upload_logs() {
  if [ -z "$INSTANCE_ID" ]; then log "no instance id from IMDS: log lines not uploaded"; return 0; fi
  local units=() since=() unit key
  # The units' own lines only: -u would add systemd's "Starting/Finished" lines about the agent,
  # and every run would upload a batch.
  for unit in $LOG_UNITS; do units+=("_SYSTEMD_UNIT=$unit.service"); done
  # A copy of the cursor: it moves on only once the lines are uploaded.
  if [ -f "$STATE_DIR/journal.cursor" ]; then cp "$STATE_DIR/journal.cursor" "$work/cursor"; else since=(--since=-10min); fi
  if ! "$JOURNALCTL" "\${units[@]}" --cursor-file="$work/cursor" "\${since[@]}" -o short-iso -q --no-pager >"$work/lines" 2>"$work/journal.err"; then
    log "journalctl failed: $(oneline "$work/journal.err")"
    return 0
  fi
  if [ -s "$work/lines" ]; then
    key="logs/$INSTANCE_ID/$(date +%s%3N).log.gz"
    { printf '#platform-proxy-log v1 instance=%s\\n' "$INSTANCE_ID"; cat "$work/lines"; } | gzip -c >"$work/lines.gz"
    if ! "$AWS" s3api put-object "\${region[@]}" --bucket "$BUCKET" --key "$key" --body "$work/lines.gz" \\
      --content-type application/gzip >/dev/null 2>"$work/put.err"; then
      log "log lines not uploaded (again at the next run): $(oneline "$work/put.err")"
      return 0
    fi
  fi
  if [ -f "$work/cursor" ]; then mv -f "$work/cursor" "$STATE_DIR/journal.cursor"; fi
}

install_bundle
remove_unused_keys
upload_logs
exit 0
`;

/**
 * The agent's script text (see the comment at its top for what one run does).
 * @internal
 */
export function proxyAgentScript(options: ProxyAgentScriptOptions = {}): string {
  const value = (name: string, v: string | undefined, re: RegExp): string => {
    if (v === undefined) return '';
    if (!Token.isUnresolved(v) && !re.test(v)) throw new Error(`invalid ${name} ${JSON.stringify(v)} for the proxy agent`);
    return v;
  };
  return AGENT_SCRIPT
    .replace('@@BUCKET@@', value('bucketName', options.bucketName, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/))
    .replace('@@REGION@@', value('region', options.region, /^[a-z]{2}(-[a-z]+)+-\d$/));
}

/**
 * The agent's systemd units by file name (for `/etc/systemd/system/`): a `Type=oneshot`
 * service and a timer that starts it 30 seconds after each run ends (a run never overlaps the
 * next). Enable the timer: `systemctl enable --now platform-proxy-agent.timer`.
 * @internal
 */
export function proxyAgentUnits(): Record<string, string> {
  return {
    'platform-proxy-agent.service': [
      '[Unit]',
      'Description=Platform proxy agent: installs the proxy configuration bundle, uploads the log lines',
      'Wants=network-online.target',
      'After=network-online.target haproxy.service',
      '',
      '[Service]',
      'Type=oneshot',
      `EnvironmentFile=-${PROXY_AGENT_ENV_FILE}`,
      `ExecStart=${PROXY_AGENT_PATH}`,
      'TimeoutStartSec=120',
      '',
    ].join('\n'),
    'platform-proxy-agent.timer': [
      '[Unit]',
      'Description=Runs the platform proxy agent every 30 seconds',
      '',
      '[Timer]',
      'OnBootSec=5s',
      'OnUnitInactiveSec=30s',
      'AccuracySec=1s',
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n'),
  };
}
