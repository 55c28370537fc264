import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct, IConstruct } from 'constructs';
import { isUnresolved, validateEmail, validateUnique } from '../../core/validation';

/** @internal */
export interface AlarmTopicProps {
  readonly platformName: string;
  readonly emails: string[];
  /** Of the KMS key; with DESTROY the key is scheduled for deletion after 7 days. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The one SNS topic that every alarm and budget of the platform notifies, encrypted with a
 * customer managed KMS key (the AWS managed `alias/aws/sns` key cannot be used by CloudWatch or
 * AWS Budgets), TLS-only, with optional e-mail subscriptions.
 *
 * Cost: $1 a month for the KMS key; SNS e-mail deliveries are free for the first 1,000.
 *
 * @internal
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const account = Stack.of(this).account;
    const partition = Stack.of(this).partition;
    const region = Stack.of(this).region;

    this.key = new kms.Key(this, 'Key', {
      description: `encrypts the ${props.platformName} platform alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
      pendingWindow: props.removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : undefined,
    });
    // Grants only for AWS resources (AWS Control Tower CT.KMS.PR.3): nothing here needs a grant.
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyGrantsNotForAwsResources',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    }));
    const publishers = [
      { principal: 'cloudwatch.amazonaws.com', sourceArn: `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      { principal: 'budgets.amazonaws.com', sourceArn: `arn:${partition}:budgets::${account}:*` },
    ];
    for (const { principal } of publishers) {
      this.key.addToResourcePolicy(new iam.PolicyStatement({
        sid: `Allow${principal.split('.')[0]}ToUseTheKey`,
        principals: [new iam.ServicePrincipal(principal)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }));
    }

    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${props.platformName} platform alarms`,
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const { principal, sourceArn } of publishers) {
      this.topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: `Allow${principal.split('.')[0]}ToPublish`,
        principals: [new iam.ServicePrincipal(principal)],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnLike: { 'aws:SourceArn': sourceArn },
        },
      }));
    }
    for (const email of props.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}

/** E-mail addresses for the topic's subscriptions: each valid, each once. @internal */
export function validateAlarmEmails(scope: IConstruct, prop: string, emails: string[] | undefined): void {
  if (!emails || isUnresolved(emails)) return;
  for (const email of emails) validateEmail(scope, prop, email);
  validateUnique(scope, prop, emails, 'list each address once');
}
