/**
 * onnxruntime-node as a Lambda layer, for the functions that load ONNX models. esbuild cannot bundle
 * it (native `.node` binaries), and the npm package ships every platform's binaries (288 MB, over
 * Lambda's 250 MB unzipped limit), so the layer holds the package with the linux/x64 binaries only
 * (about 46 MB), plus onnxruntime-common, under `nodejs/node_modules`. It is built at synth by
 * copying from node_modules: no Docker, no network.
 *
 * At run time the layer sits in /opt/nodejs/node_modules, on NODE_PATH. Plain Node ignores NODE_PATH
 * for ESM `import`, but Lambda's Node.js runtimes (18.x and later) search it for ES modules too, so
 * the bundles' external `import ... from 'onnxruntime-node'` resolves there (AWS Compute Blog,
 * "Node.js 18.x runtime now available in AWS Lambda").
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Architecture, Code, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { repositoryRoot } from './platform-function.ts';

const modulesDir = `${repositoryRoot}node_modules`;
const packageVersion = (name: string): string =>
  (JSON.parse(readFileSync(`${modulesDir}/${name}/package.json`, 'utf8')) as { version: string }).version;

/** Copies the runtime files of both packages, keeping the linux/x64 binaries only. */
export function buildOnnxRuntimeLayer(outputDir: string): boolean {
  const target = `${outputDir}/nodejs/node_modules`;
  const node = `${modulesDir}/onnxruntime-node`;
  cpSync(`${node}/package.json`, `${target}/onnxruntime-node/package.json`);
  cpSync(`${node}/dist`, `${target}/onnxruntime-node/dist`, { recursive: true });
  for (const napi of readdirSync(`${node}/bin`)) {
    cpSync(`${node}/bin/${napi}/linux/x64`, `${target}/onnxruntime-node/bin/${napi}/linux/x64`, {
      recursive: true,
    });
  }
  cpSync(`${modulesDir}/onnxruntime-common`, `${target}/onnxruntime-common`, { recursive: true });
  return true;
}

/**
 * @example
 * const onnx = new OnnxRuntimeLayer(this, 'OnnxRuntime');
 * new PlatformFunction(this, 'Predict', { entry, layers: [onnx.layerVersion], externalModules: OnnxRuntimeLayer.externalModules });
 */
export class OnnxRuntimeLayer extends Construct {
  /** What functions using the layer must leave out of their bundles. */
  static readonly externalModules: readonly string[] = ['onnxruntime-node', 'onnxruntime-common'];

  readonly layerVersion: LayerVersion;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const versions = `onnxruntime-node@${packageVersion('onnxruntime-node')}+common@${packageVersion('onnxruntime-common')}`;
    this.layerVersion = new LayerVersion(this, 'Layer', {
      description: `${versions}, linux x64 binaries only`,
      compatibleRuntimes: [Runtime.NODEJS_22_X],
      compatibleArchitectures: [Architecture.X86_64],
      code: Code.fromAsset(`${modulesDir}/onnxruntime-node`, {
        // Hashing 288 MB of sources at every synth would be slow; the versions name the content.
        assetHashType: AssetHashType.CUSTOM,
        assetHash: `${versions}/linux-x64/layout-1`,
        bundling: {
          // Never pulled: local bundling always succeeds. CDK requires an image all the same.
          image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
          local: { tryBundle: buildOnnxRuntimeLayer },
        },
      }),
    });
  }
}
