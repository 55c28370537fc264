import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Opens `port` on the security groups of `target` to the security groups of `from` (the
 * platform's VPC link or load balancer), with ingress rules on the target's side only.
 *
 * `Connections.allowFrom` would also add an egress rule to the platform's group for every
 * service, and a security group holds 60 outbound rules: the 60th service would fail to deploy.
 * The platform's groups already allow egress to the VPC's CIDR on every TCP port (they reach
 * nothing else there), so the ingress rule on each service's own group is what decides.
 *
 * @internal
 */
export function admitFrom(target: ec2.IConnectable, from: ec2.IConnectable, port: ec2.Port, description: string): void {
  for (const group of target.connections.securityGroups) {
    for (const peer of from.connections.securityGroups) {
      group.addIngressRule(peer, port, description);
    }
  }
}
