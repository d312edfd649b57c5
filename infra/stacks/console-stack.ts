/**
 * The web console's hosting (infra/constructs/console-hosting.ts) as a nested stack of the API stack,
 * its files built by `console/build.ts` at synth.
 *
 * Nested, not a stack of its own: the distribution forwards `/v1/*` to the HTTP API (it needs the
 * API), and the API's authorizer must accept tokens of the console's app client, whose callback URL
 * is the distribution's (it needs the console). Two top-level stacks would reference each other;
 * inside one stack CloudFormation orders the resources itself (HTTP API → distribution → app client →
 * authorizer). Nested, the console adds one resource to the API stack, not twenty: the API stack
 * stays under CloudFormation's 500 resources as its routes grow.
 *
 * The build runs as CDK's local bundling of the site asset, like NodejsFunction's esbuild bundling
 * of the functions: `cdk synth` (and CI's) builds the console from the sources it synthesizes with,
 * so no stale or missing `console/dist` can ship, and the asset is named by a hash of the output
 * (esbuild's output is deterministic). Tests skip bundling (`aws:cdk:bundling-stacks: []`) and
 * synthesize without a build.
 */
import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { AssetHashType, DockerImage, NestedStack, type NestedStackProps } from 'aws-cdk-lib';
import type { AssetProps } from 'aws-cdk-lib/aws-s3-assets';
import type { Construct } from 'constructs';
import { ConsoleHosting, type ConsoleHostingProps } from '../constructs/console-hosting.ts';
import { repositoryRoot } from '../constructs/platform-function.ts';

export type ConsoleStackProps = NestedStackProps &
  Omit<ConsoleHostingProps, 'site'> & {
    /** @default the console built from `console/` at synth ({@link consoleSite}) */
    readonly site?: AssetProps;
  };

/** The console built by `console/build.ts` into CDK's bundling folder, in a Node child process. */
export function consoleSite(): AssetProps {
  const build = pathToFileURL(`${repositoryRoot}console/build.ts`).href;
  return {
    path: `${repositoryRoot}console`,
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: the local build always runs (Docker is neither needed nor available here).
      image: DockerImage.fromRegistry('scratch'),
      local: {
        tryBundle(outputDir: string): boolean {
          const script = `import { buildConsole } from ${JSON.stringify(build)}; await buildConsole({ outdir: ${JSON.stringify(outputDir)} });`;
          execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
            cwd: repositoryRoot,
            stdio: ['ignore', 'inherit', 'inherit'],
          });
          return true;
        },
      },
    },
  };
}

export class ConsoleStack extends NestedStack {
  readonly hosting: ConsoleHosting;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.hosting = new ConsoleHosting(this, 'Hosting', { ...props, site: props.site ?? consoleSite() });
  }
}
