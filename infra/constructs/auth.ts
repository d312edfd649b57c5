/**
 * Identity: a Cognito user pool where admins invite users (no self sign-up), the two platform groups
 * (`admin`, `user`) that `cognito:groups` carries into tokens, one public app client for SRP sign-in
 * (the password never leaves the client), a user pool domain (Cognito's hosted sign-in pages and OAuth
 * endpoints) and the CLI's app client on it (authorization code with PKCE, no secret, a localhost
 * callback). Browser apps get theirs from `addBrowserClient`. MFA is optional for the pool
 * and required for admins: a pre-token-generation trigger withholds the `admin` group from the
 * tokens of an admin without TOTP (core/auth/admin-mfa.ts). Functions get Cognito rights through
 * `grantUserPool`, scoped to this pool.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  CfnUserPoolGroup,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Grant, Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ROLES } from '#core/auth/principal.ts';
import { CLI_CALLBACK_URL } from '#core/auth/sign-in.ts';
import { PlatformFunction } from './platform-function.ts';

export type UserPoolGrant = 'read' | 'admin' | 'signOut';

const readActions = [
  'cognito-idp:AdminGetUser',
  'cognito-idp:ListUsers',
  'cognito-idp:AdminListGroupsForUser',
];

/** Cognito actions per grant level; `admin` manages users and their groups, never the pool itself. */
export const userPoolActions: Readonly<Record<UserPoolGrant, readonly string[]>> = {
  read: readActions,
  /** A caller signing themselves out: Cognito's global sign-out and nothing else. */
  signOut: ['cognito-idp:AdminUserGlobalSignOut'],
  admin: [
    ...readActions,
    'cognito-idp:AdminCreateUser',
    'cognito-idp:AdminAddUserToGroup',
    'cognito-idp:AdminRemoveUserFromGroup',
    'cognito-idp:AdminDisableUser',
    'cognito-idp:AdminEnableUser',
    'cognito-idp:AdminUserGlobalSignOut',
  ],
};

export interface PlatformAuthProps {
  /**
   * The user pool domain's prefix: `https://<prefix>.auth.<region>.amazoncognito.com`. Unique per
   * region across AWS; lowercase letters, digits and hyphens, without "aws", "amazon" or "cognito".
   */
  readonly domainPrefix: string;
}

export interface BrowserClientOptions {
  /** Exact callback URLs (https, or http://localhost). */
  readonly callbackUrls: readonly string[];
  readonly logoutUrls?: readonly string[];
}

/**
 * @example
 * const auth = new PlatformAuth(this, 'Auth', { domainPrefix: 'mlp-dev-123456789012' });
 * auth.grantUserPool(listUsersFunction, 'read');
 */
export class PlatformAuth extends Construct {
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** Cognito's hosted sign-in pages and OAuth endpoints for this pool. */
  readonly domain: UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the OAuth endpoints' base. */
  readonly domainUrl: string;
  /** `mlp login`'s app client: authorization code with PKCE, callback `CLI_CALLBACK_URL`. */
  readonly cliClient: UserPoolClient;
  /** Every app client whose tokens the API accepts; `addBrowserClient` adds to it. */
  readonly apiClients: UserPoolClient[] = [];
  /** Group names, as they appear in `cognito:groups`. */
  readonly groupNames: readonly string[];
  /** Withholds `admin` from tokens of admins without MFA. */
  readonly preTokenGeneration: PlatformFunction;

  constructor(scope: Construct, id: string, props: PlatformAuthProps) {
    super(scope, id);

    this.userPool = new UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.ESSENTIALS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'MFA (TOTP) is optional for the pool and required for admins: the pre-token-generation trigger ' +
          'issues an admin without TOTP plain user tokens. Users need no MFA: machine clients use API ' +
          'keys, and requiring it pool-wide would block the invitation flow of first-time users.',
      },
      {
        id: 'AwsSolutions-COG3',
        reason:
          'Threat protection (formerly advanced security) needs the Plus feature plan, billed per user; ' +
          'self sign-up is off, admins invite every user, and MFA is available to all of them.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Essentials feature plan on purpose: the Plus plan only adds threat protection (see COG3) at a ' +
          'per-user price; revisit when the platform opens to users it does not invite.',
      },
    );

    this.groupNames = ROLES.map((role) => {
      new CfnUserPoolGroup(this, `${role[0]?.toUpperCase()}${role.slice(1)}Group`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Platform role "${role}"`,
        precedence: role === 'admin' ? 0 : 10,
      });
      return role;
    });

    this.preTokenGeneration = new PlatformFunction(this, 'PreTokenGeneration', {
      entry: 'functions/triggers/pre-token-generation.ts',
      description: 'Cognito pre-token-generation: no admin group in tokens without MFA',
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration,
      LambdaVersion.V2_0,
    );
    // A policy of its own, not the role's default one: the function must exist before the pool that
    // invokes it, and the pool before a statement naming it; the default policy would close that loop.
    new Policy(this, 'PreTokenGenerationReadsUsers', {
      roles: [this.preTokenGeneration.executionRole],
      statements: [
        new PolicyStatement({
          actions: ['cognito-idp:AdminGetUser'],
          resources: [this.userPool.userPoolArn],
        }),
      ],
    });

    this.userPoolClient = this.userPool.addClient('AppClient', {
      generateSecret: false,
      // Tokens come from InitiateAuth with SRP, so no password crosses the wire; USER_PASSWORD_AUTH
      // stays off (no documented flow needs it). No hosted UI, so no OAuth flows.
      disableOAuth: true,
      authFlows: { userSrp: true },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    this.apiClients.push(this.userPoolClient);

    // The classic hosted UI (managed login version 1): no branding resource to keep in step.
    this.domain = this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.domainUrl = this.domain.baseUrl();
    this.cliClient = this.addBrowserClient('CliClient', { callbackUrls: [CLI_CALLBACK_URL] });
  }

  /**
   * A public app client on the domain for a browser or native app: authorization code grant (Cognito
   * requires PKCE from clients that send a code_challenge, and a public client has no secret to
   * replace it), the openid/email/profile scopes, revocable refresh tokens; its tokens are accepted
   * by the API.
   */
  addBrowserClient(id: string, options: BrowserClientOptions): UserPoolClient {
    const client = this.userPool.addClient(id, {
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [...options.callbackUrls],
        ...(options.logoutUrls ? { logoutUrls: [...options.logoutUrls] } : {}),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
    });
    // Refresh only: without the property Cognito also allows SRP and custom auth, which these
    // clients never use (sign-in happens on the hosted pages). CDK cannot say "refresh only".
    (client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    this.apiClients.push(client);
    return client;
  }

  /** Grants the Cognito actions of `level` on this user pool only. */
  grantUserPool(grantee: IGrantable, level: UserPoolGrant): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: [...userPoolActions[level]],
      resourceArns: [this.userPool.userPoolArn],
    });
  }
}
