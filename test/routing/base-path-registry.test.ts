import { App, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { basePathsOverlap, claimBasePath } from '../../src/routing/base-path-registry';

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
    expect(() => claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica')).not.toThrow();
  });

  test('the same base path twice in one app fails and names both owners and the platform', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Other'), 'georgi', '/jessica'))
      .toThrow('Other: base path "/jessica" overlaps "/jessica" of Jessica on platform "georgi";'
        + ' each service needs its own base path, and one may not be inside another');
  });

  test('a base path inside a claimed one fails, and the other way round', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Admin'), 'georgi', '/jessica/admin')).toThrow(/Admin: base path "\/jessica\/admin" overlaps "\/jessica" of Jessica/);

    const other = new App();
    claimBasePath(new Construct(other, 'Admin'), 'georgi', '/jessica/admin');
    expect(() => claimBasePath(new Construct(other, 'Jessica'), 'georgi', '/jessica')).toThrow(/Jessica: base path "\/jessica" overlaps "\/jessica\/admin" of Admin/);
  });

  test('siblings that only share a prefix are fine', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica');
    expect(() => claimBasePath(new Construct(app, 'Jessica2'), 'georgi', '/jessica2')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Team'), 'georgi', '/team/app')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Team2'), 'georgi', '/team/apps')).not.toThrow();
  });

  test('claims of every construct in the app count, whatever their stack', () => {
    const app = new App();
    claimBasePath(new Construct(new Stack(app, 'One'), 'Jessica'), 'georgi', '/jessica');
    expect(() => claimBasePath(new Construct(new Stack(app, 'Two'), 'Jessica'), 'georgi', '/jessica'))
      .toThrow('Two/Jessica: base path "/jessica" overlaps "/jessica" of One/Jessica on platform "georgi"');
  });

  test('stacks in a stage of the app share the app\'s claims', () => {
    const app = new App();
    claimBasePath(new Construct(new Stack(app, 'One'), 'Jessica'), 'georgi', '/jessica');
    const stage = new Stage(app, 'Prod');
    expect(() => claimBasePath(new Construct(new Stack(stage, 'Two'), 'Jessica'), 'georgi', '/jessica')).toThrow(/overlaps "\/jessica" of One\/Jessica/);
  });

  test('separate app roots do not conflict', () => {
    claimBasePath(new Construct(new App(), 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(new App(), 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 })).not.toThrow();
  });

  test('different platforms in one app do not conflict', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'JessicaDev'), 'georgi-dev', '/jessica', { first: 2000, count: 1 })).not.toThrow();
  });

  test('the same rule priority twice on one platform fails and names the owner', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', '/voice', { first: 2000, count: 1 }))
      .toThrow('Voice: long-lived rule priorities 2000 overlap 2000 of Jessica on platform "georgi"; set longLivedRulePriority to a free value');
  });

  test('different priorities, or no priority, are fine', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', '/voice', { first: 2001, count: 1 })).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Plain'), 'georgi', '/plain')).not.toThrow();
    expect(() => claimBasePath(new Construct(app, 'Plain2'), 'georgi', '/plain2')).not.toThrow();
  });

  test('a base path overlap is reported before a priority clash', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Again'), 'georgi', '/jessica', { first: 2000, count: 1 })).toThrow(/base path "\/jessica" overlaps/);
  });

  test('a refused claim is not recorded', () => {
    const app = new App();
    claimBasePath(new Construct(app, 'Jessica'), 'georgi', '/jessica', { first: 2000, count: 1 });
    expect(() => claimBasePath(new Construct(app, 'Voice'), 'georgi', '/voice', { first: 2000, count: 1 })).toThrow(/priorities 2000/);
    // had the refused claim been recorded, '/voice' would now overlap it
    expect(() => claimBasePath(new Construct(app, 'VoiceFixed'), 'georgi', '/voice', { first: 3000, count: 1 })).not.toThrow();
  });
});
