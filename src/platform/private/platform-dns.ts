import { CfnOutput, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { edgeValue } from './edge-stack';

/** @internal */
export interface PlatformDnsProps {
  readonly platformName: string;
  readonly domainName: string;
  /** @default - a public hosted zone, created in `edgeScope` */
  readonly hostedZone?: route53.IHostedZone;
  /** @default - created in `edgeScope` when there is a companion stack, else the regional one */
  readonly edgeCertificate?: acm.ICertificate;
  /** The companion stack in us-east-1. @default - none */
  readonly edgeStack?: Stack;
  /** Where the companion stack's resources go (the platform itself without one). */
  readonly edgeScope: Construct;
  readonly removalPolicy: RemovalPolicy;
}

/** @internal */
export interface PlatformDns {
  readonly hostedZone: route53.IHostedZone;
  /** The regional certificate for `<domain>` and `*.<domain>`. */
  readonly certificate: acm.Certificate;
  /** CloudFront's certificate, as the platform's stack sees it. */
  readonly edgeCertificate: acm.ICertificate;
  /** CloudFront's certificate as the companion stack holds it (for its alarm). @default - none */
  readonly edgeStackCertificate?: acm.ICertificate;
}

/**
 * The platform's hosted zone and certificates, in `platform` (construct ids `HostedZoneRef`,
 * `Certificate`, `EdgeCertificateRef`) and in the companion stack's scope (`HostedZone`,
 * `NameServers`, `EdgeCertificate`).
 * @internal
 */
export function createPlatformDns(platform: Construct, props: PlatformDnsProps): PlatformDns {
  const { platformName, edgeScope, edgeStack } = props;
  // The zone as the companion stack sees it (when the zone is created there) and as this stack does.
  let edgeZone: route53.IHostedZone | undefined;
  let hostedZone: route53.IHostedZone;
  if (props.hostedZone) {
    hostedZone = props.hostedZone;
  } else {
    const zone = new route53.PublicHostedZone(edgeScope, 'HostedZone', {
      zoneName: props.domainName,
      comment: `${platformName} platform`,
    });
    // The domain is delegated to this zone's name servers, and ACM's validation records stay in
    // it (a zone with records cannot be deleted): it outlives the stack unless told otherwise.
    zone.applyRemovalPolicy(props.removalPolicy);
    new CfnOutput(edgeScope, 'NameServers', {
      value: Fn.join(' ', zone.hostedZoneNameServers!),
      description: `delegate ${props.domainName} to these name servers`,
    });
    edgeZone = zone;
    hostedZone = edgeStack
      ? route53.HostedZone.fromHostedZoneAttributes(platform, 'HostedZoneRef', {
        hostedZoneId: edgeValue(platform, edgeStack, 'HostedZoneId', zone.hostedZoneId),
        zoneName: props.domainName,
      })
      : zone;
  }
  const certificateProps = (name: string, zone: route53.IHostedZone): acm.CertificateProps => ({
    domainName: props.domainName,
    subjectAlternativeNames: [`*.${props.domainName}`],
    validation: acm.CertificateValidation.fromDns(zone),
    certificateName: `${platformName}-${name}`,
  });
  const certificate = new acm.Certificate(platform, 'Certificate', certificateProps('regional', hostedZone));
  if (props.edgeCertificate) {
    return { hostedZone, certificate, edgeCertificate: props.edgeCertificate };
  }
  if (edgeStack) {
    const edgeStackCertificate = new acm.Certificate(edgeScope, 'EdgeCertificate', certificateProps('edge', edgeZone ?? hostedZone));
    const edgeCertificate = acm.Certificate.fromCertificateArn(platform, 'EdgeCertificateRef',
      edgeValue(platform, edgeStack, 'EdgeCertificateArn', edgeStackCertificate.certificateArn));
    return { hostedZone, certificate, edgeCertificate, edgeStackCertificate };
  }
  return { hostedZone, certificate, edgeCertificate: certificate };
}
