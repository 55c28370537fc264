import { DevArguments, InfoRequested, parseDevArguments, UsageError, USAGE } from '../../../src/dev/private/arguments';

const parse = (...argv: string[]): DevArguments => parseDevArguments(argv, '1.2.3');

/** The error `parse(...argv)` throws (fails when it throws none). */
function thrown(...argv: string[]): Error {
  try {
    parse(...argv);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

/** The message of the UsageError `parse(...argv)` throws: one line. */
function usageError(...argv: string[]): string {
  const error = thrown(...argv);
  expect(error).toBeInstanceOf(UsageError);
  expect(error.message).not.toContain('\n');
  return error.message;
}

describe('parseDevArguments', () => {
  test('defaults: cdk.out, port 8787, restart, Docker, 60 s health, 30 s API limit, no watch', () => {
    expect(parse()).toEqual({
      assembly: 'cdk.out',
      port: 8787,
      run: new Map(),
      envFiles: [],
      platform: undefined,
      watch: false,
      restart: true,
      docker: true,
      healthTimeoutMs: 60_000,
      apiTimeoutMs: 30_000,
    });
  });

  test('every option with its value as the next argument', () => {
    const args = parse('out/cdk.out', '--port', '9000', '--run', 'web=npm run dev', '--run', 'api-2=node  main.js ',
      '--env-file', 'a.env', '--env-file', 'b.env', '--platform', 'georgi', '--watch', '--no-restart', '--no-docker',
      '--health-timeout', '2.5', '--api-timeout', '0');
    expect(args).toEqual({
      assembly: 'out/cdk.out',
      port: 9000,
      run: new Map([['web', 'npm run dev'], ['api-2', 'node  main.js']]),
      envFiles: ['a.env', 'b.env'],
      platform: 'georgi',
      watch: true,
      restart: false,
      docker: false,
      healthTimeoutMs: 2500,
      apiTimeoutMs: 0,
    });
  });

  test('--option=value works like --option value; a command may contain =', () => {
    const args = parse('--port=0', '--run=web=FOO=1 node server.js', '--env-file=.env', '--platform=georgi',
      '--health-timeout=1', '--api-timeout=3600', 'cdk.out.dev');
    expect(args).toMatchObject({
      assembly: 'cdk.out.dev',
      port: 0,
      run: new Map([['web', 'FOO=1 node server.js']]),
      envFiles: ['.env'],
      platform: 'georgi',
      healthTimeoutMs: 1000,
      apiTimeoutMs: 3_600_000,
    });
  });

  test('the assembly may come after the options', () => {
    expect(parse('--watch', 'build/cdk.out').assembly).toBe('build/cdk.out');
  });

  test('-h, --help and --version are InfoRequested with the usage or the version', () => {
    for (const flag of ['-h', '--help']) {
      const error = thrown('cdk.out', flag, '--port', 'x');
      expect(error).toBeInstanceOf(InfoRequested);
      expect((error as InfoRequested).text).toBe(USAGE);
    }
    expect(USAGE).toMatch(/^usage: platform-dev \[cdk\.out\] \[options\]/);
    for (const option of ['--port', '--run', '--env-file', '--platform', '--watch', '--no-restart', '--no-docker', '--health-timeout', '--api-timeout']) {
      expect(USAGE).toContain(option);
    }
    const version = thrown('--version');
    expect(version).toBeInstanceOf(InfoRequested);
    expect((version as InfoRequested).text).toBe('1.2.3');
  });

  test.each([
    ['-1'], ['65536'], ['http'], ['8787.5'], [''], ['0x10'], [' 80'],
  ])('--port %j is refused', port => {
    expect(usageError('--port', port)).toBe(`invalid --port ${port}: a port number from 0 to 65535`);
    expect(usageError(`--port=${port}`)).toBe(`invalid --port ${port}: a port number from 0 to 65535`);
  });

  test('the lowest and highest ports are taken', () => {
    expect(parse('--port', '0').port).toBe(0);
    expect(parse('--port', '65535').port).toBe(65535);
  });

  test.each([
    ['web'], ['web='], ['web=   '], ['=npm start'], ['Web=npm start'], ['1web=npm start'], ['w=npm start'], ['web_1=npm start'],
    [`${'a'.repeat(33)}=npm start`],
  ])('--run %j is refused with the expected form', value => {
    expect(usageError('--run', value)).toBe(`invalid --run ${value}: expected <service>=<command>, e.g. --run jessica="npm run dev"`);
  });

  test('--run for the same service twice is refused', () => {
    expect(usageError('--run', 'web=a', '--run=web=b')).toBe('--run web is given twice');
  });

  test('a missing value: at the end, or another option in its place', () => {
    for (const option of ['--port', '--run', '--env-file', '--platform', '--health-timeout', '--api-timeout']) {
      expect(usageError(option)).toBe(`${option} needs a value (platform-dev --help lists the options)`);
      expect(usageError(option, '--watch')).toBe(`${option} needs a value (platform-dev --help lists the options)`);
    }
  });

  test.each([
    ['--health-timeout', '0', 1], ['--health-timeout', 'soon', 1], ['--health-timeout', '3601', 1], ['--health-timeout', '', 1],
    ['--api-timeout', '-1', 0], ['--api-timeout', 'Infinity', 0], ['--api-timeout', '4000', 0],
  ])('%s %j is refused', (option, value, min) => {
    expect(usageError(`${option}=${value}`)).toBe(`invalid ${option} ${value}: a number of seconds from ${min} to 3600`);
  });

  test('an unknown option is named', () => {
    expect(usageError('--prot', '80')).toBe('unknown option --prot (platform-dev --help lists the options)');
    expect(usageError('-p')).toBe('unknown option -p (platform-dev --help lists the options)');
    expect(usageError('--colour=never')).toBe('unknown option --colour (platform-dev --help lists the options)');
  });

  test('two assembly folders are refused, naming both', () => {
    expect(usageError('a.out', '--watch', 'b.out')).toBe('one cloud assembly folder only, got a.out and b.out (platform-dev --help lists the options)');
  });

  test.each([['--watch'], ['--no-restart'], ['--no-docker']])('%s=x is refused: it takes no value', flag => {
    expect(usageError(`${flag}=x`)).toBe(`${flag} takes no value (platform-dev --help lists the options)`);
    expect(usageError(`${flag}=`)).toBe(`${flag} takes no value (platform-dev --help lists the options)`);
  });
});
