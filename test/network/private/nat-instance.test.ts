import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { CostEstimator, GlobalPlatformProps, NatType } from '../../../src';
import { onlyId, synthPlatform } from '../../helpers/fixtures';

const synth = (props: Partial<GlobalPlatformProps> = {}): Template => synthPlatform(props).template;

function instances(template: Template): Array<Record<string, any>> {
  return Object.values(template.findResources('AWS::EC2::Instance')).map(r => r.Properties);
}

/** The image id of each NAT instance: in its launch template, none on the instance itself. */
function imageIds(template: Template): unknown[] {
  const templates = template.findResources('AWS::EC2::LaunchTemplate');
  return instances(template).map(i => {
    expect(i.ImageId).toBeUndefined();
    return templates[i.LaunchTemplate.LaunchTemplateId.Ref].Properties.LaunchTemplateData.ImageId;
  });
}

/** The NAT instance's user data, as the instance receives it. */
function userDataOf(template: Template): string {
  const userData = instances(template)[0].UserData['Fn::Base64'];
  expect(typeof userData).toBe('string');
  return userData;
}

/** The NAT set-up script that the user data writes (between its heredoc markers). */
function setupScriptOf(userData: string): string {
  const lines = userData.split('\n');
  const start = lines.findIndex(l => l.startsWith('cat > /usr/local/sbin/platform-nat-setup <<\'PLATFORM_NAT_SETUP\''));
  const end = lines.indexOf('PLATFORM_NAT_SETUP');
  expect(start).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return lines.slice(start + 1, end).join('\n') + '\n';
}

// Stand-ins for the instance's commands: they keep their state in files of $STATE.
const STUBS: Record<string, string> = {
  'rpm': 'test -f "$STATE/installed"',
  'dnf': [
    'n=$(( $(cat "$STATE/dnf-calls" 2>/dev/null || echo 0) + 1 )); echo $n > "$STATE/dnf-calls"',
    '[ -n "${DNF_SUCCEEDS_AT:-}" ] && [ "$n" -ge "$DNF_SUCCEEDS_AT" ] && touch "$STATE/installed" && exit 0',
    'exit 1',
  ].join('\n'),
  'systemctl': [
    'echo "$*" >> "$STATE/systemctl"',
    'case "$1" in',
    '  enable) touch "$STATE/enabled" ;;',
    '  is-enabled) test -f "$STATE/enabled" ;;',
    '  poweroff) touch "$STATE/poweroff" ;;',
    'esac',
  ].join('\n'),
  'sysctl': [
    'if [ "$1" = "-p" ]; then',
    '  [ -n "${SYSCTL_IGNORED:-}" ] || sed -n "s/^net.ipv4.ip_forward=//p" "$2" > "$STATE/ip_forward"',
    'else cat "$STATE/ip_forward" 2>/dev/null || echo 0; fi',
  ].join('\n'),
  'ip': 'echo "default via 10.0.0.1 dev ens5 proto dhcp src 10.0.0.5 metric 512"',
  'iptables': [
    'echo "$*" >> "$STATE/iptables"',
    'case "$*" in',
    '  "-t nat -C POSTROUTING -o ens5 -j MASQUERADE") grep -qx -- "-A POSTROUTING -o ens5 -j MASQUERADE" "$STATE/nat" 2>/dev/null ;;',
    '  "-t nat -A POSTROUTING -o ens5 -j MASQUERADE") [ -n "${IPTABLES_IGNORES_ADD:-}" ] || echo "-A POSTROUTING -o ens5 -j MASQUERADE" >> "$STATE/nat" ;;',
    '  "-F FORWARD") [ -n "${FORWARD_KEEPS_REJECT:-}" ] || touch "$STATE/forward-flushed" ;;',
    '  "-S FORWARD") echo "-P FORWARD ACCEPT"; [ -f "$STATE/forward-flushed" ] || echo "-A FORWARD -j REJECT --reject-with icmp-host-prohibited" ;;',
    'esac',
  ].join('\n'),
  'iptables-save': 'echo "*nat"; cat "$STATE/nat" 2>/dev/null; echo COMMIT',
  'sleep': 'echo "$1" >> "$STATE/sleeps"',
  'logger': 'cat > /dev/null',
  'sync': 'true',
};

interface Run {
  readonly status: number | null;
  readonly state: (file: string) => string | undefined;
  readonly root: string;
}

/**
 * Runs the NAT set-up with bash against the stand-ins above, its /etc and /dev/console moved
 * under a temporary directory. `before` prepares $STATE (a later boot, for example).
 */
function runSetup(script: string, env: Record<string, string> = {}, before?: (state: string, root: string) => void): Run {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nat-setup-'));
  const bin = path.join(root, 'bin');
  const state = path.join(root, 'state');
  for (const dir of [bin, state, path.join(root, 'etc/sysctl.d'), path.join(root, 'etc/sysconfig')]) fs.mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(STUBS)) {
    fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
  before?.(state, root);
  const relocated = script
    .split('/etc/').join(`${root}/etc/`)
    .split('/dev/console').join(`${root}/console`);
  const file = path.join(root, 'setup.sh');
  fs.writeFileSync(file, relocated, { mode: 0o755 });
  const result = spawnSync('bash', [file], {
    env: { PATH: `${bin}:${process.env.PATH}`, STATE: state, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const read = (f: string) => (fs.existsSync(path.join(state, f)) ? fs.readFileSync(path.join(state, f), 'utf8') : undefined);
  return { status: result.status, state: read, root };
}

describe('NAT instance user data', () => {
  let template: Template;
  let userData: string;
  let script: string;
  beforeAll(() => {
    template = synth({ natType: NatType.instance() });
    userData = userDataOf(template);
    script = setupScriptOf(userData);
  });

  test('replaces aws-cdk-lib\'s default (whose single yum install can fail on Amazon Linux 2023) and keeps source/dest check off', () => {
    expect(userData).not.toContain(ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS[0]);
    expect(instances(template)[0].SourceDestCheck).toBe(false);
  });

  test('writes the set-up, links it into cloud-init\'s per-boot scripts and runs it', () => {
    const after = userData.split('\n').slice(userData.split('\n').indexOf('PLATFORM_NAT_SETUP') + 1);
    expect(after).toEqual([
      'chmod 0755 /usr/local/sbin/platform-nat-setup',
      'mkdir -p /var/lib/cloud/scripts/per-boot',
      'ln -sf /usr/local/sbin/platform-nat-setup /var/lib/cloud/scripts/per-boot/platform-nat-setup',
      'exec /usr/local/sbin/platform-nat-setup',
    ]);
  });

  test('keeps aws-cdk-lib\'s persistent forwarding and its FORWARD flush', () => {
    const defaults = ec2.NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS;
    expect(script).toContain(defaults.find(c => c.includes('custom-ip-forwarding.conf') && c.startsWith('echo'))!);
    expect(script).toContain('iptables -F FORWARD');
    expect(script).toContain('systemctl enable --now iptables');
  });

  test('a failed install is retried with back-off (10 s, then 20 s) until dnf succeeds; NAT is then verified, saved, and the instance stays up', () => {
    const run = runSetup(script, { DNF_SUCCEEDS_AT: '3' });
    expect(run.status).toBe(0);
    expect(run.state('dnf-calls')?.trim()).toBe('3');
    expect(run.state('sleeps')?.trim().split('\n')).toEqual(['10', '20']);
    expect(run.state('poweroff')).toBeUndefined();
    expect(run.state('systemctl')).toContain('enable --now iptables');
    expect(run.state('ip_forward')?.trim()).toBe('1');
    expect(fs.readFileSync(path.join(run.root, 'etc/sysctl.d/custom-ip-forwarding.conf'), 'utf8')).toBe('net.ipv4.ip_forward=1\n');
    // MASQUERADE on the default route's interface, saved where iptables-services restores it at boot.
    expect(fs.readFileSync(path.join(run.root, 'etc/sysconfig/iptables'), 'utf8')).toContain('-A POSTROUTING -o ens5 -j MASQUERADE');
    expect(fs.readFileSync(path.join(run.root, 'console'), 'utf8')).toContain('platform-nat: NAT in place on ens5');
  });

  test('when dnf fails every time: 6 attempts, 5 waits that double (10 to 160 s), then the instance powers off', () => {
    const run = runSetup(script);
    expect(run.status).toBe(1);
    expect(run.state('dnf-calls')?.trim()).toBe('6');
    expect(run.state('sleeps')?.trim().split('\n')).toEqual(['10', '20', '40', '80', '160']);
    expect(run.state('poweroff')).toBeDefined();
    expect(run.state('nat')).toBeUndefined();
    expect(fs.readFileSync(path.join(run.root, 'console'), 'utf8')).toContain('FAILED: iptables-services is not installed after 6 attempts');
  });

  test.each([
    ['the MASQUERADE rule did not take', { IPTABLES_IGNORES_ADD: '1' }, 'no MASQUERADE rule on ens5'],
    ['forwarding is still off', { SYSCTL_IGNORED: '1' }, 'net.ipv4.ip_forward is not 1'],
    ['the FORWARD chain still rejects', { FORWARD_KEEPS_REJECT: '1' }, 'the FORWARD chain does not accept'],
  ])('when %s after the set-up, the instance powers off', (_what, env, message) => {
    const run = runSetup(script, { DNF_SUCCEEDS_AT: '1', ...env });
    expect(run.status).toBe(1);
    expect(run.state('poweroff')).toBeDefined();
    expect(fs.readFileSync(path.join(run.root, 'console'), 'utf8')).toContain(`FAILED: ${message}`);
  });

  test('a later boot (package installed, rules restored) calls no dnf, adds no second rule and verifies again', () => {
    const run = runSetup(script, {}, state => {
      fs.writeFileSync(path.join(state, 'installed'), '');
      fs.writeFileSync(path.join(state, 'nat'), '-A POSTROUTING -o ens5 -j MASQUERADE\n');
    });
    expect(run.status).toBe(0);
    expect(run.state('dnf-calls')).toBeUndefined();
    expect(run.state('nat')).toBe('-A POSTROUTING -o ens5 -j MASQUERADE\n');
    expect(run.state('poweroff')).toBeUndefined();
  });
});

describe('NAT instance image', () => {
  test('resolved by EC2 at launch: the template holds the same resolve:ssm string on every synth and no SSM parameter', () => {
    const first = synth({ natType: NatType.instance() });
    const second = synth({ natType: NatType.instance(), natGateways: 2 });
    const image = imageIds(first)[0];
    expect(image).toBe('resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
    expect(imageIds(second)).toEqual([image, image]);
    // No deploy-time parameter (AWS::SSM::Parameter::Value<...>) whose new value would replace the instance.
    expect(Object.keys(first.toJSON().Parameters ?? {})).toEqual(['BootstrapVersion']);
  });

  test('an x86 instance type gets the x86_64 image', () => {
    const template = synth({ natType: NatType.instance(ec2.InstanceType.of(ec2.InstanceClass.T3A, ec2.InstanceSize.NANO)) });
    expect(imageIds(template)).toEqual(['resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64']);
  });

  test('a pinned image is used as given, without a warning', () => {
    const { stack, template } = synthPlatform({
      natType: NatType.instance(undefined, { machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) }),
    });
    expect(imageIds(template)).toEqual(['ami-0123456789abcdef0']);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('NAT instance'))).toHaveLength(0);
  });

  test('an image read at every deploy is used, with a warning that it replaces the instance', () => {
    const { stack } = synthPlatform({ natType: NatType.instance(undefined, { machineImage: ec2.MachineImage.latestAmazonLinux2023() }) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('image id is read at every deploy'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/S/Platform/Network/Vpc/publicSubnet1/NatInstance');
  });

  test('a Windows image is refused', () => {
    const windows = ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE);
    expect(() => synth({ natType: NatType.instance(undefined, { machineImage: windows }) }))
      .toThrow('S/Platform/Network/Vpc/publicSubnet1/NatInstance: invalid machineImage of NatType.instance() "a WINDOWS image": expected an Amazon Linux 2023 image');
  });
});

describe('NAT instance status alarm', () => {
  test('one per instance on StatusCheckFailed, missing data breaching (a powered-off instance sends none), to the alarm topic', () => {
    const { platform, template } = synthPlatform({ natType: NatType.instance(), natGateways: 2 });
    const instanceIds = Object.keys(template.findResources('AWS::EC2::Instance')).sort();
    const alarms = template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StatusCheckFailed' } });
    expect(Object.keys(alarms)).toHaveLength(2);
    const topic = onlyId(template, 'AWS::SNS::Topic');
    const props = Object.values(alarms).map(a => a.Properties).sort((a, b) => a.AlarmName.localeCompare(b.AlarmName));
    expect(props.map(p => p.AlarmName)).toEqual(['georgi-nat-instance-1-status', 'georgi-nat-instance-2-status']);
    expect(props.map(p => p.Dimensions[0].Value.Ref).sort()).toEqual(instanceIds);
    for (const p of props) {
      expect(p).toEqual(expect.objectContaining({
        Namespace: 'AWS/EC2',
        Dimensions: [{ Name: 'InstanceId', Value: { Ref: expect.any(String) } }],
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: topic }],
        OKActions: [{ Ref: topic }],
      }));
    }
    expect(platform.alarms.filter(a => a.node.path.includes('NatInstanceStatusAlarm'))).toHaveLength(2);
  });

  test('no status alarm without NAT instances', () => {
    const template = synth();
    expect(Object.keys(template.findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'StatusCheckFailed' } }))).toHaveLength(0);
  });

  test('the cost estimate prices the instance, its IPv4, its volume and its alarm: the $7.46 a month of NatType.instance()\'s TSDoc', () => {
    const template = synth({ natType: NatType.instance() });
    const estimate = CostEstimator.fromTemplate(template.toJSON(), 'S', 'us-east-1');
    const instance = onlyId(template, 'AWS::EC2::Instance');
    const alarm = onlyId(template, 'AWS::CloudWatch::Alarm', { MetricName: 'StatusCheckFailed' });
    const alarmItem = estimate.items.filter(i => i.logicalId === alarm);
    expect(alarmItem).toEqual([expect.objectContaining({ resourceType: 'AWS::CloudWatch::Alarm', monthlyUsd: 0.1 })]);
    const total = estimate.items.filter(i => [instance, alarm].includes(i.logicalId)).reduce((sum, i) => sum + i.monthlyUsd, 0);
    expect(total).toBeCloseTo(7.46, 2);
    expect(estimate.unpriced.filter(u => [instance, alarm].includes(u.logicalId))).toEqual([]);
  });
});
