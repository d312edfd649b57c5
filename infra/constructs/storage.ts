/**
 * The platform's tables and buckets, built from `#definitions/storage.ts` (the list the local platform
 * creates in the emulators too). Stateful: everything here is retained when the stack goes away.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  type BucketDefinition,
  type BucketName,
  bucketDefinitions,
  type AttributeType as DefinitionAttributeType,
  type KeyAttribute,
  type TableDefinition,
  type TableName,
  tableDefinitions,
} from '#definitions/storage.ts';

/** A table together with the definition it was built from (its env var and index names). */
export interface PlatformTable {
  readonly definition: TableDefinition;
  readonly table: TableV2;
}

/** A bucket together with the definition it was built from (its env var). */
export interface PlatformBucket {
  readonly definition: BucketDefinition;
  readonly bucket: Bucket;
}

const attributeTypes: Readonly<Record<DefinitionAttributeType, AttributeType>> = {
  S: AttributeType.STRING,
  N: AttributeType.NUMBER,
  B: AttributeType.BINARY,
};

/** Builds one value per definition, keyed like the definitions, so a new definition needs no code here. */
function mapDefinitions<K extends string, D, R>(
  definitions: Readonly<Record<K, D>>,
  build: (d: D) => R,
): Record<K, R> {
  return Object.fromEntries(
    (Object.entries(definitions) as [K, D][]).map(([key, definition]) => [key, build(definition)]),
  ) as Record<K, R>;
}

const attribute = (key: KeyAttribute) => ({ name: key.name, type: attributeTypes[key.type] });

function buildTable(scope: Construct, definition: TableDefinition): TableV2 {
  return new TableV2(scope, `${definition.id}Table`, {
    partitionKey: attribute(definition.partitionKey),
    ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
    ...(definition.timeToLiveAttribute ? { timeToLiveAttribute: definition.timeToLiveAttribute } : {}),
    globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    })),
    billing: Billing.onDemand(),
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    encryption: TableEncryptionV2.awsManagedKey(),
    // Retain keeps a table when its stack goes; this keeps it from a delete call or console click too.
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * @example
 * const storage = new PlatformStorage(this, 'Storage');
 * storage.tables.apiKeys.table.tableName;
 */
export class PlatformStorage extends Construct {
  readonly tables: Readonly<Record<TableName, PlatformTable>>;
  readonly buckets: Readonly<Record<BucketName, PlatformBucket>>;
  /** Receives the S3 server access logs of the data buckets. */
  readonly accessLogsBucket: Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.tables = mapDefinitions(tableDefinitions, (definition) => ({
      definition,
      table: buildTable(this, definition),
    }));

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      // Server access log delivery supports SSE-S3 only on the target bucket.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging its own access would loop.',
    });

    this.buckets = mapDefinitions(bucketDefinitions, (definition) => ({
      definition,
      bucket: new Bucket(this, `${definition.id}Bucket`, {
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: true,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${definition.id.toLowerCase()}/`,
        lifecycleRules: [
          { abortIncompleteMultipartUploadAfter: Duration.days(definition.abortIncompleteUploadsAfterDays) },
          {
            id: 'AbandonedUploads',
            prefix: 'uploads/',
            expiration: Duration.days(definition.abandonedUploadsExpireAfterDays),
          },
          {
            id: 'NoncurrentVersions',
            noncurrentVersionExpiration: Duration.days(definition.noncurrentVersionsExpireAfterDays),
            // A deleted object leaves a delete marker; once its old versions expired, it goes too.
            expiredObjectDeleteMarker: true,
          },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      }),
    }));
  }
}
