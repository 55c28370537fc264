import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { PropError } from '../../core/errors';

/** Where the NAT set-up lives on the instance; cloud-init runs the per-boot link at every later boot. */
export const NAT_SETUP_PATH = '/usr/local/sbin/platform-nat-setup';
const PER_BOOT_LINK = '/var/lib/cloud/scripts/per-boot/platform-nat-setup';

/** How often `dnf install iptables-services` is tried, and the first wait (doubled each time). */
export const NAT_INSTALL_ATTEMPTS = 6;
const NAT_INSTALL_FIRST_DELAY_SECONDS = 10;

/**
 * The NAT set-up, as aws-cdk-lib's `NatInstanceProviderV2.DEFAULT_USER_DATA_COMMANDS` and the VPC
 * guide's "Create a NAT AMI" do it (iptables-services, `net.ipv4.ip_forward=1` in
 * /etc/sysctl.d, MASQUERADE on the default route's interface, FORWARD flushed because the
 * package's default rules reject forwarding, rules saved), with these changes:
 * - the install is retried with back-off: on Amazon Linux 2023 it can lose a race with dnf's
 *   cache clean-up on first boot (aws/aws-cdk#36717) and leave the instance without NAT;
 * - the interface comes from `ip route` (iproute), not `route` (net-tools);
 * - the rules are saved with `iptables-save` (not the `service ... save` legacy action) and the
 *   MASQUERADE rule is added once (the script runs at every boot);
 * - it verifies forwarding, the MASQUERADE rule, an open FORWARD chain and their persistence,
 *   and powers the instance off when any is missing: a stopped instance sends no status check
 *   data, which its alarm treats as breaching. Starting it again runs the set-up again.
 */
const NAT_SETUP_SCRIPT = `#!/bin/bash
# NAT set-up of a platform NAT instance: written by its user data, run at first boot and, from
# cloud-init's per-boot scripts, at every later boot. When NAT is not in place it powers the
# instance off, so that the instance's status alarm fires.
set -u
log() { echo "platform-nat: $*" | tee /dev/console | logger -t platform-nat; }
fail() {
  log "FAILED: $*; powering off (the NAT instance's status alarm fires; start it again to retry)"
  sync
  systemctl poweroff
  exit 1
}

if ! rpm -q iptables-services >/dev/null 2>&1; then
  delay=${NAT_INSTALL_FIRST_DELAY_SECONDS}
  for attempt in $(seq 1 ${NAT_INSTALL_ATTEMPTS}); do
    dnf install -y iptables-services && break
    [ "$attempt" -lt ${NAT_INSTALL_ATTEMPTS} ] || break
    log "dnf install iptables-services failed (attempt $attempt of ${NAT_INSTALL_ATTEMPTS}), retrying in $delay s"
    sleep "$delay"
    delay=$((delay * 2))
  done
  rpm -q iptables-services >/dev/null 2>&1 || fail "iptables-services is not installed after ${NAT_INSTALL_ATTEMPTS} attempts"
fi
systemctl enable --now iptables || fail "the iptables service does not start"

echo "net.ipv4.ip_forward=1" > /etc/sysctl.d/custom-ip-forwarding.conf
sysctl -p /etc/sysctl.d/custom-ip-forwarding.conf

iface=$(ip route show default | awk '/^default/ {print $5; exit}')
[ -n "$iface" ] || fail "no default route"
iptables -t nat -C POSTROUTING -o "$iface" -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE
iptables -F FORWARD
iptables-save > /etc/sysconfig/iptables || fail "the rules cannot be saved"

[ "$(sysctl -n net.ipv4.ip_forward)" = "1" ] || fail "net.ipv4.ip_forward is not 1"
iptables -t nat -C POSTROUTING -o "$iface" -j MASQUERADE || fail "no MASQUERADE rule on $iface"
[ "$(iptables -S FORWARD)" = "-P FORWARD ACCEPT" ] || fail "the FORWARD chain does not accept: $(iptables -S FORWARD | tr '\\n' ' ')"
systemctl is-enabled --quiet iptables || fail "the iptables service is not enabled at boot"
grep -qxF -- "-A POSTROUTING -o $iface -j MASQUERADE" /etc/sysconfig/iptables || fail "the MASQUERADE rule is not saved"
log "NAT in place on $iface"
`;

/**
 * The NAT instances' user data: writes the NAT set-up, links it into cloud-init's per-boot
 * scripts (which run before user data: at first boot the link is not there yet) and runs it.
 * @internal
 */
export function natInstanceUserData(): ec2.UserData {
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    `cat > ${NAT_SETUP_PATH} <<'PLATFORM_NAT_SETUP'`,
    ...NAT_SETUP_SCRIPT.trimEnd().split('\n'),
    'PLATFORM_NAT_SETUP',
    `chmod 0755 ${NAT_SETUP_PATH}`,
    `mkdir -p ${PER_BOOT_LINK.slice(0, PER_BOOT_LINK.lastIndexOf('/'))}`,
    `ln -sf ${NAT_SETUP_PATH} ${PER_BOOT_LINK}`,
    `exec ${NAT_SETUP_PATH}`,
  );
  return userData;
}

/**
 * The newest Amazon Linux 2023 image for the instance type's architecture, resolved by EC2 when
 * the instance launches: the template (the instance's launch template) holds
 * `resolve:ssm:<parameter>`, the same string on every synth, so CloudFormation does not replace
 * the instance when AWS publishes a new image.
 * @see https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-systems-manager-parameter-to-find-AMI.html
 * @internal
 */
export function defaultNatInstanceImage(instanceType: ec2.InstanceType): ec2.IMachineImage {
  const cpu = instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'x86_64';
  return ec2.MachineImage.resolveSsmParameterAtLaunch(`/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${cpu}`);
}

/**
 * The image of a NAT instance: Linux, and a warning when its id is read at deploy time (the
 * instance is then replaced whenever the value changes).
 * @internal
 */
export function checkNatInstanceImage(instance: ec2.Instance): void {
  if (instance.osType !== ec2.OperatingSystemType.LINUX) {
    throw new PropError(instance, 'machineImage of NatType.instance()', `a ${ec2.OperatingSystemType[instance.osType]} image`,
      'expected an Amazon Linux 2023 image: the NAT set-up is a bash script that installs iptables-services with dnf');
  }
  const imageId = (instance.node.defaultChild as ec2.CfnInstance).imageId;
  if (Token.isUnresolved(imageId)) {
    Annotations.of(instance).addWarningV2('@georgi-io/platform-constructs:natImageReadAtDeploy',
      'the NAT instance\'s image id is read at every deploy (a deploy-time SSM parameter, such as ec2.MachineImage.latestAmazonLinux2023()):'
      + ' the instance is replaced, and connections through it dropped, whenever the value changes. Leave machineImage unset (resolved at launch)'
      + ' or pin an image id (ec2.MachineImage.genericLinux)');
  }
}

/**
 * An alarm when the NAT instance fails a status check (instance or system) or sends no status
 * data, which is what a stopped instance does: the NAT set-up powers the instance off when NAT
 * is not in place. Missing data is breaching, so the alarm also fires for a few minutes after
 * the instance is created, before its first status check.
 *
 * Cost: $0.10 a month (one standard-resolution metric).
 * @internal
 */
export function natInstanceStatusAlarm(scope: Construct, id: string, instance: ec2.Instance, platformName: string, index: number): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric: new cloudwatch.Metric({
      namespace: 'AWS/EC2',
      metricName: 'StatusCheckFailed',
      dimensionsMap: { InstanceId: instance.instanceId },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(5),
    }),
    alarmName: `${platformName}-nat-instance-${index}-status`,
    alarmDescription: `NAT instance ${index} of the ${platformName} platform failed a status check or is not running (its NAT set-up powers it off when NAT`
      + ' is not in place) in 2 periods of 5 minutes: the private subnets routed through it have no internet. Its console output'
      + ' shows the platform-nat lines; start it again to retry, or replace it',
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  });
}
