import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PROXY_AGENT_PATH, proxyAgentScript, proxyAgentUnits } from './agent-script';
import { renderHaproxyConfig } from './haproxy-config';
import { PROXY_INSTANCE_CONSTANTS } from './proxy-publisher';

/** How often `dnf install haproxy` is tried, and the first wait (doubled each time), as for the NAT instance (ADR 12). */
const INSTALL_ATTEMPTS = 6;
const INSTALL_FIRST_DELAY_SECONDS = 10;

/** @internal */
export interface ProxyUserDataProps {
  readonly bucketName: string;
  readonly region: string;
  readonly idleTimeoutSeconds: number;
  readonly maxConnections: number;
}

/**
 * The proxy instance's set-up, run once by cloud-init at its first boot (a new set-up gives a
 * new instance, `userDataCausesReplacement`):
 * - HAProxy from the Amazon Linux 2023 repositories (S3, through the gateway endpoint), the
 *   install retried with back-off; without it the instance powers itself off, so that its
 *   status alarm fires (as the NAT instance does, ADR 12);
 * - a first configuration with no routes (every path 404) until the agent's first bundle;
 * - HAProxy restarted by systemd whenever it exits;
 * - the agent and its timer: every 30 s it installs a new bundle from the bucket (validated
 *   with `haproxy -c`, then a seamless reload) and uploads new log lines.
 * @internal
 */
export function proxyInstanceUserData(props: ProxyUserDataProps): ec2.UserData {
  const empty = renderHaproxyConfig({
    ...PROXY_INSTANCE_CONSTANTS,
    idleTimeoutSeconds: props.idleTimeoutSeconds,
    maxConnections: props.maxConnections,
    routes: [],
    keys: {},
  });
  const files = [
    { path: PROXY_AGENT_PATH, content: proxyAgentScript({ bucketName: props.bucketName, region: props.region }), mode: '0755' },
    ...Object.entries(proxyAgentUnits()).map(([name, content]) => ({ path: `/etc/systemd/system/${name}`, content, mode: '0644' })),
  ];
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    'set -u',
    'log() { echo "platform-proxy: $*" | tee /dev/console | logger -t platform-proxy; }',
    `delay=${INSTALL_FIRST_DELAY_SECONDS}`,
    `for attempt in $(seq 1 ${INSTALL_ATTEMPTS}); do`,
    '  dnf install -y haproxy && break',
    `  [ "$attempt" -lt ${INSTALL_ATTEMPTS} ] || break`,
    `  log "dnf install haproxy failed (attempt $attempt of ${INSTALL_ATTEMPTS}), retrying in $delay s"`,
    '  sleep "$delay"; delay=$((delay * 2))',
    'done',
    'if ! rpm -q haproxy >/dev/null 2>&1; then',
    `  log "FAILED: haproxy is not installed after ${INSTALL_ATTEMPTS} attempts; powering off (the status alarm fires)"`,
    '  sync; systemctl poweroff; exit 1',
    'fi',
    'mkdir -p /etc/haproxy/platform/jwks /var/lib/platform-proxy /etc/systemd/system/haproxy.service.d',
    "cat > /etc/haproxy/haproxy.cfg <<'PLATFORM_PROXY_CONFIG'",
    ...empty.text.split('\n'),
    'PLATFORM_PROXY_CONFIG',
    "cat > /etc/systemd/system/haproxy.service.d/platform.conf <<'PLATFORM_PROXY_UNIT'",
    '[Service]',
    'Restart=always',
    'RestartSec=2',
    // The admin socket's folder (/run/haproxy), created for each start.
    'RuntimeDirectory=haproxy',
    `LimitNOFILE=${Math.max(65536, props.maxConnections * 2 + 1024)}`,
    'PLATFORM_PROXY_UNIT',
    ...files.flatMap(f => [
      `cat > ${f.path} <<'PLATFORM_PROXY_FILE'`,
      ...f.content.trimEnd().split('\n'),
      'PLATFORM_PROXY_FILE',
      `chmod ${f.mode} ${f.path}`,
    ]),
    'systemctl daemon-reload',
    'systemctl enable --now haproxy',
    'systemctl enable --now platform-proxy-agent.timer',
    'log "haproxy $(rpm -q haproxy) and the agent are running"',
  );
  return userData;
}
