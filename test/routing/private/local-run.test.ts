import * as path from 'path';
import { App, Fn } from 'aws-cdk-lib';
import { ApiRoutes, ApiTarget } from '../../../src';
import { LOCAL_RUN_METADATA } from '../../../src/contract/local-run';
import { errorOf } from '../../helpers/errors';
import { importedPlatform } from '../../helpers/fixtures';

function routes(localRun: any, outdir?: string) {
  const { app, stack, platform } = importedPlatform(false, new App(outdir ? { outdir } : {}));
  const construct = new ApiRoutes(stack, 'Routes', { platform, serviceName: 'echo', target: ApiTarget.httpUrl('https://echo.example.com'), localRun });
  return { app, construct };
}

describe('localRun', () => {
  test('is recorded in the assembly with a folder under the app\'s folder made relative', () => {
    const { construct } = routes({ command: 'npm run dev', directory: path.join(process.cwd(), 'service'), environment: { DEBUG: '1' } });
    const records = construct.node.metadata.filter(m => m.type === LOCAL_RUN_METADATA).map(m => m.data);
    expect(records).toContainEqual(expect.objectContaining({
      kind: 'routes',
      serviceName: 'echo',
      basePath: '/echo',
      run: { command: 'npm run dev', directory: 'service', environment: { DEBUG: '1' }, watch: undefined },
    }));
    expect(records).toContainEqual({ kind: 'target', target: 'url', url: 'https://echo.example.com', version: 1 });
  });

  test.each([
    [{ command: '  ' }, 'localRun.command', 'expected one command line'],
    [{ command: 'a\nb' }, 'localRun.command', 'no line breaks'],
    [{ command: 'x', environment: { '1BAD': 'v' } }, 'localRun.environment', 'expected variable names'],
    [{ command: 'x', watch: ['../src'] }, 'localRun.watch', 'without ".."'],
    [{ command: 'x', watch: ['/abs'] }, 'localRun.watch', 'relative to localRun.directory'],
    [{ command: Fn.importValue('Cmd') }, 'localRun.command', 'expected a literal string, not a deploy-time value'],
    [{ command: 'x', directory: Fn.importValue('Dir') }, 'localRun.directory', 'not a deploy-time value'],
    [{ command: 'x', environment: { URL: Fn.importValue('Url') } }, 'localRun.environment.URL', 'not a deploy-time value'],
  ])('refuses %j', (localRun, prop, message) => {
    const error = errorOf(() => routes(localRun));
    expect(error.message).toContain(prop);
    expect(error.message).toContain(message);
  });
});
