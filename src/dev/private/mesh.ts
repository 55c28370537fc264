import type { LocalService, MeshCall } from './model';

/*
 * The service mesh (ECS Service Connect) on a laptop. On AWS a caller reaches a callee at
 * `http://<callee>` through the proxy ECS adds to each task, its URL in a variable such as
 * `ORDERS_URL` (the task definition holds `http://orders`). Here no proxy runs: platform-dev points
 * the variable straight at the callee's loopback port (the mesh passes paths unchanged, so the
 * front door, which keeps or strips base paths and has no route to an internal service, is not in
 * the way). The developer's own value (`localRun.environment`, `--env-file`) wins; a callee that
 * is not started here (another repository's, or one that cannot run) keeps the task's value, and
 * a warning says how to point the caller at it.
 */

/** The host name a Docker container reaches the host by (`--add-host <name>:host-gateway`). */
export const DOCKER_HOST = 'host.docker.internal';

/** `docker run` arguments that make `host.docker.internal` the host (Docker Desktop has it; a Linux engine needs them). */
export const DOCKER_HOST_GATEWAY_ARGS: readonly string[] = ['--add-host', `${DOCKER_HOST}:host-gateway`];

/**
 * The URL a caller is given for a callee listening on the host's loopback `port`: `http://127.0.0.1:<port>`
 * for a process, `http://host.docker.internal:<port>` for a caller in a Docker container.
 */
export function meshUrlOf(port: number, docker: boolean): string {
  return `http://${docker ? DOCKER_HOST : '127.0.0.1'}:${port}`;
}

/** The mesh variables of a caller: each call's variable set to its callee's local URL (callees without a port are left out). */
export function meshEnvironment(calls: readonly MeshCall[], portOf: (service: string) => number | undefined,
  docker: boolean): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const call of calls) {
    const port = portOf(call.service);
    if (port !== undefined) environment[call.variable] = meshUrlOf(port, docker);
  }
  return environment;
}

/** Which calls platform-dev points at a local callee, and what the developer should know. */
export interface MeshPlan {
  /** Per caller (service name): the calls whose variable the supervisor sets to the callee's local URL. */
  readonly calls: ReadonlyMap<string, MeshCall[]>;
  /** One line per call left as the task has it (callee not here) or that works here but not on AWS. */
  readonly warnings: string[];
}

/**
 * The calls to wire: every call of a started service whose callee is started here too, unless
 * the developer set the variable (`localRun.environment` of the caller, or `fileVariables`: the
 * `--env-file` values, which replace the task's).
 *
 * @param services the app's services
 * @param started the services the supervisor runs (processes and Docker containers)
 * @param fileVariables the names the `--env-file` files set
 */
export function planMesh(services: readonly LocalService[], started: ReadonlySet<string>, fileVariables: ReadonlySet<string>): MeshPlan {
  const calls = new Map<string, MeshCall[]>();
  const warnings: string[] = [];
  const byName = new Map(services.map(s => [s.name, s]));
  for (const caller of services) {
    if (!caller.mesh || caller.mesh.calls.length === 0 || !started.has(caller.name)) continue;
    const chosen = new Set([...fileVariables, ...(caller.target.kind === 'process' ? caller.target.process.localVariables ?? [] : [])]);
    const wired: MeshCall[] = [];
    for (const call of caller.mesh.calls) {
      if (chosen.has(call.variable)) continue; // the developer's value
      const callee = byName.get(call.service);
      const where = `${caller.name}: ${call.variable}: ${call.service}`;
      const how = `set ${call.variable} (e.g. --env-file) to where it runs`;
      if (callee === undefined) {
        warnings.push(`${where} is not in this assembly; ${how}`);
      } else if (!started.has(callee.name)) {
        warnings.push(`${where} is not started here; ${how}`);
      } else {
        if (callee.mesh?.alias === undefined) {
          warnings.push(`${where} takes no calls through the mesh on AWS (no serviceConnect, or clientOnly): the call works here only`);
        }
        wired.push(call);
      }
    }
    if (wired.length > 0) calls.set(caller.name, wired);
  }
  return { calls, warnings };
}
