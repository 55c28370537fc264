import * as ecs from 'aws-cdk-lib/aws-ecs';
import { IConstruct } from 'constructs';
import { addLocalRunRecord } from '../../contract/local-run';
import { LocalRunOptions } from '../../contract/local-run-options';
import { meshUrlVariable } from '../../contract/names';
import { IGlobalPlatform } from '../../contract/platform';
import { ApiRoutes } from '../../routing/api-routes';
import { localRunRecordOf, recordEcsTarget } from '../../routing/private/local-run';
import { ServiceConnectOptions } from '../service-connect-options';

/** The props of a ContainerService that its record reads. @internal */
export interface ContainerRecordProps {
  readonly platform: IGlobalPlatform;
  readonly serviceName: string;
  readonly localRun?: LocalRunOptions;
  readonly serviceConnect?: ServiceConnectOptions;
}

/** What the ContainerService made. @internal */
export interface ContainerRecordFacts {
  readonly routes?: ApiRoutes;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly healthCheckPath: string;
  readonly writablePaths: string[];
  readonly port: number;
}

/**
 * Records what `platform-dev` needs of a container service (see contract/local-run.ts): its
 * health path and writable folders, its place in the mesh, and, for a service without routes,
 * what its routes would record (the run options and the task definition).
 * @internal
 */
export function recordContainer(scope: IConstruct, props: ContainerRecordProps, facts: ContainerRecordFacts): void {
  const mesh = props.serviceConnect;
  addLocalRunRecord(scope, {
    kind: 'container',
    serviceName: props.serviceName,
    platformName: props.platform.platformName,
    routes: facts.routes?.node.path,
    healthCheckPath: facts.healthCheckPath,
    writablePaths: facts.writablePaths,
    serviceConnect: mesh && {
      alias: mesh.clientOnly ? undefined : props.serviceName,
      calls: (mesh.calls ?? []).map(service => ({ service, variable: meshUrlVariable(service) })),
    },
    run: facts.routes ? undefined : localRunRecordOf(props.localRun),
    domainName: facts.routes ? undefined : props.platform.domainName,
    apiDomainName: facts.routes ? undefined : props.platform.apiDomainName,
  });
  if (!facts.routes) recordEcsTarget(scope, facts.taskDefinition, props.serviceName, facts.port);
}
