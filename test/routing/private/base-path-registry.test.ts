import { App, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { basePathsOverlap, claimBasePath } from '../../../src/routing/private/base-path-registry';

describe('basePathsOverlap', () => {
  test.each([
    ['/a', '/a'],
    ['/a', '/a/b'],
    ['/a/b', '/a'],
    ['/jessica', '/jessica/admin/x'],
    ['/team/app', '/team/app/v1'],
  ])('%s and %s overlap', (a, b) => {
    expect(basePathsOverlap(a, b)).toBe(true);
  });

  test.each([
    ['/a', '/ab'],
    ['/ab', '/a'],
    ['/jessica', '/jessica2'],
    ['/jessica', '/jessica-admin'],
    ['/team/app', '/team/apps'],
    ['/team/app', '/team/other'],
    ['/a/b', '/b/a'],
    ['/api', '/v1/api'],
  ])('%s and %s do not overlap', (a, b) => {
    expect(basePathsOverlap(a, b)).toBe(false);
  });

  test('is symmetric', () => {
    const paths = ['/a', '/a/b', '/ab', '/a/b/c', '/b', '/a/bc'];
    for (const a of paths) {
      for (const b of paths) {
        expect(basePathsOverlap(a, b)).toBe(basePathsOverlap(b, a));
      }
    }
  });
});

describe('claimBasePath', () => {
  test('a first claim succeeds', () => {
    const app = new App();
    expect(() => claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc1', '/jessica')).not.toThrow();
  });

  test('the same base path twice in one app fails and names both owners and the platform', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc2', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Other'), 'georgi', 'svc3', '/jessica'))
      .toThrow('Other: invalid basePath "/jessica": it overlaps "/jessica" of Jessica on platform "georgi";'
        + ' each service needs its own base path, and one may not be inside another');
  });

  test('a base path inside a claimed one fails, and the other way round', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc4', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Admin'), 'georgi', 'svc5', '/jessica/admin')).toThrow(/Admin: invalid basePath "\/jessica\/admin": it overlaps "\/jessica" of Jessica/);

    const other = new App();
    claimBasePath(new Construct(other, 'Admin'), 'georgi', 'svc6', '/jessica/admin');
    expect(() => claimBasePath(new Construct(other, 'Jessica'), 'georgi', 'svc7', '/jessica')).toThrow(/Jessica: invalid basePath "\/jessica": it overlaps "\/jessica\/admin" of Admin/);
  });

  test('siblings that only share a prefix are fine', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc8', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Jessica2'), 'georgi', 'svc9', '/jessica2')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Team'), 'georgi', 'svc10', '/team/app')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Team2'), 'georgi', 'svc11', '/team/apps')).not.toThrow();
  });

  test('claims of every construct in the app count, whatever their stack', () => {
    const app = new App();
    claimBasePath(new Construct(new Stack(app, 'One'), 'Jessica'), 'georgi', 'svc12', '/jessica');
    expect(() => claimBasePath(new Construct(new Stack(app, 'Two'), 'Jessica'), 'georgi', 'svc13', '/jessica'))
      .toThrow('Two/Jessica: invalid basePath "/jessica": it overlaps "/jessica" of One/Jessica on platform "georgi"');
  });

  test('stacks in a stage of the app share the app\'s claims when they deploy to the same environment', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'eu-central-1' };
    claimBasePath(new Construct(new Stack(app, 'One', { env }), 'Jessica'), 'georgi', 'jessica', '/jessica');
    const stage = new Stage(app, 'Prod');
    expect(() => claimBasePath(new Construct(new Stack(stage, 'Two', { env }), 'Jessica'), 'georgi', 'jessica', '/jessica'))
      .toThrow(/Prod\/Two\/Jessica: invalid basePath "\/jessica": it overlaps "\/jessica" of One\/Jessica/);
  });

  test('pipeline stages in other accounts carry the same services (each has its own platform)', () => {
    const app = new App();
    const dev = new Stage(app, 'Dev', { env: { account: '111111111111', region: 'eu-central-1' } });
    const prod = new Stage(app, 'Prod', { env: { account: '222222222222', region: 'eu-central-1' } });
    for (const stage of [dev, prod]) {
      expect(() => claimBasePath(new Construct(new Stack(stage, 'Service'), 'Jessica'), 'georgi', 'jessica', '/jessica', { first: 2000, count: 1 }))
        .not.toThrow();
    }
  });

  test('the same platform name in another Region of the same account is another platform (its account-wide names carry the Region)', () => {
    const app = new App();
    const euCentral = new Stage(app, 'ProdCentral', { env: { account: '222222222222', region: 'eu-central-1' } });
    const euWest = new Stage(app, 'ProdWest', { env: { account: '222222222222', region: 'eu-west-1' } });
    claimBasePath(new Construct(new Stack(euCentral, 'Service'), 'Jessica'), 'georgi', 'jessica', '/jessica');
    expect(() => claimBasePath(new Construct(new Stack(euWest, 'Service'), 'Jessica'), 'georgi', 'jessica', '/jessica')).not.toThrow();
    // and in the same Region it is the same platform
    const euCentral2 = new Stage(app, 'ProdCentral2', { env: { account: '222222222222', region: 'eu-central-1' } });
    expect(() => claimBasePath(new Construct(new Stack(euCentral2, 'Service'), 'Jessica'), 'georgi', 'jessica', '/jessica'))
      .toThrow(/ProdCentral2\/Service\/Jessica: invalid basePath "\/jessica": it overlaps "\/jessica" of ProdCentral\/Service\/Jessica/);
  });

  test('the same service name twice on one platform fails, whatever the base paths', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'jessica', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Jessica2'), 'georgi', 'jessica', '/voice'))
      .toThrow('Jessica2: invalid serviceName "jessica": it is already used by Jessica on platform "georgi";'
        + ' it names the service\'s alarms, dashboard and authorizer, so each service needs its own');
  });

  test('separate app roots do not conflict', () => {
    claimBasePath(new Construct(new App(), 'Jessica'), 'georgi', 'svc14', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(new App(), 'Jessica'), 'georgi', 'svc15', '/jessica', { first: 2000, count: 1 })).not.toThrow();
  });

  test('different platforms in one app do not conflict', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc16', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'JessicaDev'), 'georgi-dev', 'svc17', '/jessica', { first: 2000, count: 1 })).not.toThrow();
  });

  test('the same rule priority twice on one platform fails and names the owner', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc18', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', 'svc19', '/voice', { first: 2000, count: 1 }))
      .toThrow('Voice: invalid longLivedRulePriority 2000: the service\'s rule priorities 2000 overlap 2000 of Jessica on platform "georgi"; set longLivedRulePriority to a free value');
  });

  test('different priorities, or no priority, are fine', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc20', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', 'svc21', '/voice', { first: 2001, count: 1 })).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Plain'), 'georgi', 'svc22', '/plain')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Plain2'), 'georgi', 'svc23', '/plain2')).not.toThrow();
  });

  test('a base path overlap is reported before a priority clash', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc24', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Again'), 'georgi', 'svc25', '/jessica', { first: 2000, count: 1 })).toThrow(/invalid basePath "\/jessica": it overlaps/);
  });

  test('a refused claim is not recorded', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', 'svc26', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', 'svc27', '/voice', { first: 2000, count: 1 })).toThrow(/priorities 2000/);
    // had the refused claim been recorded, '/voice' would now overlap it
    expect(() => claimBasePath(new Construct(app, 'VoiceFixed'), 'georgi', 'svc28', '/voice', { first: 3000, count: 1 })).not.toThrow();
  });
});
