/**
 * Stateful resources: tables, buckets and the user pool. Everything here is retained on delete and
 * changes rarely; the stateless API stack receives these constructs as props.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PlatformAuth, type PlatformAuthProps } from '../constructs/auth.ts';
import { PlatformStorage } from '../constructs/storage.ts';

export class StatefulStack extends Stack {
  readonly storage: PlatformStorage;
  readonly auth: PlatformAuth;

  constructor(scope: Construct, id: string, props: StackProps & { readonly auth: PlatformAuthProps }) {
    super(scope, id, props);
    this.storage = new PlatformStorage(this, 'Storage');
    this.auth = new PlatformAuth(this, 'Auth', props.auth);

    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'UserPoolDomainUrl', { value: this.auth.domainUrl });
    new CfnOutput(this, 'CliClientId', { value: this.auth.cliClient.userPoolClientId });
  }
}
