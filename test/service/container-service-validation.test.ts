import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ContainerService, ContainerServiceProps, ServiceSchedule } from '../../src';
import { serviceFactory } from '../helpers/fixtures';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');

const { shared, make, messageOf } = serviceFactory<ContainerServiceProps, ContainerService>((stack, platform, n, props) =>
  new ContainerService(stack, `Service${n}`, { platform, serviceName: `service${n}`, image: IMAGE, ...props }));

describe('CPU and memory', () => {
  test('cpu 300 is not a Fargate size: the message lists the sizes', () => {
    expect(messageOf({ cpu: 300, memoryLimitMiB: 1024 })).toMatch(
      /^Platform\/Service\d+: invalid cpu 300: Fargate offers 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units$/);
  });

  test.each([
    [512, 512, /invalid memoryLimitMiB 512: with cpu 512 Fargate allows 1024 to 4096 MiB in steps of 1024/],
    [512, 5120, /invalid memoryLimitMiB 5120: with cpu 512 Fargate allows 1024 to 4096 MiB in steps of 1024/],
    [256, 4096, /invalid memoryLimitMiB 4096: with cpu 256 Fargate allows 512, 1024, 2048 MiB/],
    [4096, 4096, /invalid memoryLimitMiB 4096: with cpu 4096 Fargate allows 8192 to 30720 MiB in steps of 1024/],
    [1024, 1536, /invalid memoryLimitMiB 1536: with cpu 1024 Fargate allows 2048 to 8192 MiB in steps of 1024/],
  ])('cpu %d with %d MiB is refused, naming the allowed memory', (cpu, memoryLimitMiB, message) => {
    expect(messageOf({ cpu, memoryLimitMiB })).toMatch(message);
  });

  test('the message for cpu 256 does not suggest sizes Fargate refuses (no 1536)', () => {
    // 256 CPU units allow only 512, 1024 and 2048 MiB: "steps of 512" would suggest 1536 too.
    const message = messageOf({ cpu: 256, memoryLimitMiB: 1536 });
    expect(message).toContain('invalid memoryLimitMiB 1536');
    expect(message).not.toMatch(/in steps of 512/);
  });

  test('memory defaults to 1024 MiB: cpu 4096 alone is refused for memory', () => {
    expect(messageOf({ cpu: 4096 })).toMatch(/invalid memoryLimitMiB 1024: with cpu 4096/);
  });

  test.each([
    [256, 512],
    [256, 2048],
    [512, 4096],
    [8192, 61440],
    [16384, 122880],
  ])('cpu %d with %d MiB is accepted', (cpu, memoryLimitMiB) => {
    expect(() => make({ cpu, memoryLimitMiB })).not.toThrow();
  });
});

describe('ports and capacities', () => {
  test.each([0, 70000, 80.5])('containerPort %d is refused', containerPort => {
    expect(messageOf({ containerPort })).toMatch(new RegExp(`invalid containerPort ${containerPort}: expected a whole number from 1 to 65535$`));
  });

  test.each([1, 65535])('containerPort %d is accepted', containerPort => {
    expect(() => make({ containerPort })).not.toThrow();
  });

  test('minCapacity above maxCapacity is refused, naming the maximum', () => {
    expect(messageOf({ minCapacity: 3, maxCapacity: 2 })).toMatch(/invalid minCapacity 3: at most maxCapacity \(2\)$/);
  });

  test('minCapacity above the default maxCapacity (2) is refused', () => {
    expect(messageOf({ minCapacity: 3 })).toMatch(/invalid minCapacity 3: at most maxCapacity \(2\)$/);
  });

  test('minCapacity 0 is accepted; the scalable target, not the template, owns the task count', () => {
    const service = make({ minCapacity: 0 });
    expect((service.service.node.defaultChild as ecs.CfnService).desiredCount).toBeUndefined();
  });

  test('maxCapacity 0 is refused', () => {
    expect(messageOf({ minCapacity: 0, maxCapacity: 0 })).toMatch(/invalid maxCapacity 0: expected a whole number from 1 to 100$/);
  });

  test.each([5, 95])('cpuTargetUtilizationPercent %d is refused', cpuTargetUtilizationPercent => {
    expect(messageOf({ cpuTargetUtilizationPercent }))
      .toMatch(new RegExp(`invalid cpuTargetUtilizationPercent ${cpuTargetUtilizationPercent}: expected a whole number from 10 to 90$`));
  });

  test.each([10, 90])('cpuTargetUtilizationPercent %d is accepted', cpuTargetUtilizationPercent => {
    expect(() => make({ cpuTargetUtilizationPercent })).not.toThrow();
  });
});

describe('scaling', () => {
  test('cpuTargetUtilizationPercent with maxCapacity equal to minCapacity is refused (no scaling policy)', () => {
    expect(messageOf({ minCapacity: 2, maxCapacity: 2, cpuTargetUtilizationPercent: 50 }))
      .toMatch(/invalid cpuTargetUtilizationPercent 50: only used when maxCapacity is above minCapacity \(both are 2: there is nothing to scale between\)$/);
    expect(() => make({ minCapacity: 1, maxCapacity: 3, cpuTargetUtilizationPercent: 50 })).not.toThrow();
  });
});

describe('schedule', () => {
  test.each([
    ['weekdays(19, 7)', ServiceSchedule.weekdays(19, 7), /invalid schedule "19-7": the end hour must be a whole hour from 1 to 24 \(UTC\), later than the start$/],
    ['weekdays(7, 7)', ServiceSchedule.weekdays(7, 7), /invalid schedule "7-7": the end hour must be a whole hour from 1 to 24 \(UTC\), later than the start$/],
    ['daily(-1, 5)', ServiceSchedule.daily(-1, 5), /invalid schedule -1: the start hour must be a whole hour from 0 to 23 \(UTC\)$/],
    ['daily(7, 25)', ServiceSchedule.daily(7, 25), /invalid schedule "7-25": the end hour must be a whole hour from 1 to 24 \(UTC\)/],
    ['weekdays(7.5, 19)', ServiceSchedule.weekdays(7.5, 19), /invalid schedule 7.5: the start hour must be a whole hour from 0 to 23 \(UTC\)$/],
    ['daily(24, 24)', ServiceSchedule.daily(24, 24), /invalid schedule 24: the start hour must be a whole hour from 0 to 23/],
  ])('%s is refused', (_name, schedule, message) => {
    expect(messageOf({ schedule })).toMatch(message);
  });

  test.each([
    ['daily(0, 24)', ServiceSchedule.daily(0, 24)],
    ['weekdays(23, 24)', ServiceSchedule.weekdays(23, 24)],
    ['ALWAYS_ON', ServiceSchedule.ALWAYS_ON],
  ])('%s is accepted', (_name, schedule) => {
    expect(() => make({ schedule })).not.toThrow();
  });
});

describe('alarms and logs', () => {
  test.each([
    ['cpuThresholdPercent', 0],
    ['cpuThresholdPercent', 100.5],
    ['memoryThresholdPercent', -1],
    ['memoryThresholdPercent', 101],
  ])('%s %d is refused', (prop, value) => {
    expect(messageOf({ [prop]: value })).toMatch(new RegExp(`invalid ${prop} ${value}: expected a percentage greater than 0 and at most 100$`));
  });

  // The same rule as serverErrorRateThresholdPercent: CloudWatch thresholds may be fractions.
  test.each([
    ['cpuThresholdPercent', 0.5],
    ['cpuThresholdPercent', 75.5],
    ['memoryThresholdPercent', 100],
  ])('%s %d is accepted', (prop, value) => {
    expect(() => make({ [prop]: value })).not.toThrow();
  });

  test.each(['cpuThresholdPercent', 'memoryThresholdPercent'])('%s with utilizationAlarms: false is refused (no alarm would use it)', prop => {
    expect(messageOf({ utilizationAlarms: false, [prop]: 70 }))
      .toMatch(new RegExp(`invalid ${prop} 70: only used with utilizationAlarms \\(it is false: no CPU or memory alarm\\)$`));
  });

  test('a retention CloudWatch Logs does not offer is refused, listing the offered ones', () => {
    const message = messageOf({ logRetention: 4 as logs.RetentionDays });
    expect(message).toMatch(/invalid logRetention 4: CloudWatch Logs offers only these retention periods \(days\): 1, 3, 5, 7, 14, 30/);
    expect(message).toContain('RetentionDays.INFINITE');
  });
});

describe('environment, secrets and names', () => {
  test('a variable in both environment and secrets is refused', () => {
    const secret = new secretsmanager.Secret(shared().stack, 'DuplicateSecret');
    expect(messageOf({
      environment: { API_TOKEN: 'placeholder', MODE: 'prod' },
      secrets: { API_TOKEN: ecs.Secret.fromSecretsManager(secret) },
    })).toMatch(/invalid environment "API_TOKEN": is also in secrets; a variable comes from one place$/);
  });

  test('a service name that is not DNS-safe is refused (by the service routes)', () => {
    expect(() => new ContainerService(shared().stack, 'Upper', { platform: shared().platform, serviceName: 'Jessica', image: IMAGE }))
      .toThrow(/^Platform\/Upper\/Routes: invalid serviceName "Jessica": expected 2-32 characters of a-z, 0-9 and "-", starting with a letter/);
  });

  test('a reserved service name is refused', () => {
    expect(() => new ContainerService(shared().stack, 'Reserved', { platform: shared().platform, serviceName: 'api', image: IMAGE }))
      .toThrow(/invalid serviceName "api": reserved names are api, www/);
  });

  test('a health check path without a leading slash is refused', () => {
    expect(messageOf({ healthCheckPath: 'health' })).toMatch(/invalid healthCheckPath "health": expected an absolute path such as "\/jessica\/health"$/);
  });

  test('a health check path with a space is refused', () => {
    expect(messageOf({ healthCheckPath: '/my health' })).toMatch(/invalid healthCheckPath "\/my health"/);
  });

  test('a one-element health check command is refused', () => {
    expect(messageOf({ healthCheckCommand: ['curl localhost'] })).toMatch(/invalid healthCheckCommand \["curl localhost"\]: expected \["CMD-SHELL"/);
  });
});

describe('container security options', () => {
  test.each([
    ['tmp', 'expected an absolute path of a folder such as "/tmp"'],
    ['/', 'expected an absolute path of a folder'],
    ['/tmp/', 'expected an absolute path of a folder'],
    ['/var/../etc', 'no "." or ".." segments'],
    ['/my cache', 'no spaces'],
    ['/proc/self', '/proc is provided by the container runtime; a volume there would hide it'],
    ['/dev', '/dev is provided by the container runtime'],
  ])('writablePaths entry %j is refused', (path, allowed) => {
    const message = messageOf({ writablePaths: [path] });
    expect(message).toContain(`invalid writablePaths ${JSON.stringify(path)}: `);
    expect(message).toContain(allowed);
  });

  test('a repeated writable path is refused', () => {
    expect(messageOf({ writablePaths: ['/tmp', '/run', '/tmp'] })).toMatch(/invalid writablePaths "\/tmp": list each path once$/);
  });

  test('a writable path inside another is refused, naming the outer one', () => {
    expect(messageOf({ writablePaths: ['/var/cache', '/var/cache/nginx'] })).toMatch(
      /invalid writablePaths "\/var\/cache\/nginx": it is inside "\/var\/cache", which is already writable; list only "\/var\/cache"$/);
  });

  test('more than 10 writable paths are refused', () => {
    const paths = Array.from({ length: 11 }, (_, i) => `/scratch${i}`);
    expect(messageOf({ writablePaths: paths })).toContain('expected at most 10 paths');
  });

  test('10 writable paths are accepted', () => {
    expect(() => make({ writablePaths: Array.from({ length: 10 }, (_, i) => `/scratch${i}`) })).not.toThrow();
  });

  test('writablePaths with readonlyRootFilesystem: false is refused (the whole filesystem is writable)', () => {
    expect(messageOf({ readonlyRootFilesystem: false, writablePaths: ['/tmp'] })).toMatch(
      /invalid writablePaths \["\/tmp"\]: only used with readonlyRootFilesystem \(it is false: the whole filesystem is writable\)$/);
  });

  test('writablePaths with ECS Exec (which turns the read-only root filesystem off) is refused, naming ECS Exec', () => {
    expect(messageOf({ enableExecuteCommand: true, writablePaths: ['/tmp'] })).toContain(
      'only used with a read-only root filesystem, which ECS Exec (enableExecuteCommand) turns off');
  });

  test('readonlyRootFilesystem: true with ECS Exec is refused: the agent needs a writable root filesystem', () => {
    expect(messageOf({ enableExecuteCommand: true, readonlyRootFilesystem: true })).toMatch(
      /invalid readonlyRootFilesystem true: ECS Exec \(enableExecuteCommand\) needs a writable root filesystem/);
  });

  test.each(['root', '0', 'root:root', '0:0', '0:1000', 'root:staff'])('user %s is refused without allowRootUser, naming the control', user => {
    expect(messageOf({ user })).toMatch(new RegExp(
      `invalid user "${user}": root is refused \\(it fails the Control Tower control CT\\.ECS\\.PR\\.3, ecs_task_definition_nonroot_user_check\\):`
      + ' use a non-root user such as "1000:1000", or set allowRootUser: true$'));
  });

  test.each(['', ':', '1000:', ':1000', '01000', '-1', '1000:1000:1000', 'my user', '9user', 'ñame'])('user %j is malformed', user => {
    expect(messageOf({ user })).toContain(`invalid user ${JSON.stringify(user)}: expected "uid", "uid:gid", "name" or "name:group"`);
  });

  test('allowRootUser with a non-root user is refused', () => {
    expect(messageOf({ allowRootUser: true })).toMatch(
      /invalid allowRootUser true: only used with a root user \("root", "0", "root:<group>" or "0:<gid>"\); user is "1000:1000"$/);
  });

  test.each([
    [{ containerMemoryLimitMiB: 5 }, 'invalid containerMemoryLimitMiB 5: expected a whole number from 6 to 1024'],
    [{ containerMemoryLimitMiB: 1025 }, 'invalid containerMemoryLimitMiB 1025: expected a whole number from 6 to 1024'],
    [{ cpu: 1024, memoryLimitMiB: 2048, containerMemoryLimitMiB: 3072 }, 'invalid containerMemoryLimitMiB 3072: expected a whole number from 6 to 2048'],
    [{ containerMemoryLimitMiB: 512.5 }, 'invalid containerMemoryLimitMiB 512.5'],
  ])('%j is refused: at most the task\'s memory', (props, message) => {
    expect(messageOf(props as Partial<ContainerServiceProps>)).toContain(message);
  });

  test('addCapabilities other than SYS_PTRACE is refused: Fargate allows only that one', () => {
    expect(messageOf({ addCapabilities: [ecs.Capability.NET_ADMIN] })).toMatch(/invalid addCapabilities "NET_ADMIN": Fargate allows adding only SYS_PTRACE$/);
  });

  test('an unknown or repeated capability is refused', () => {
    expect(messageOf({ dropCapabilities: [ecs.Capability.ALL, 'NOPE' as ecs.Capability] })).toMatch(
      /invalid dropCapabilities "NOPE": expected ecs.Capability values such as ecs.Capability.ALL$/);
    expect(messageOf({ dropCapabilities: [ecs.Capability.ALL, ecs.Capability.ALL] })).toMatch(/invalid dropCapabilities "ALL": list each capability once$/);
  });
});
