/**
 * Small valid ONNX models that use a feature the platform cannot serve: weights in an external
 * file, an operator from a custom domain, an opset newer than onnxruntime knows.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = 1;
const vector = (name: string) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } },
});

function model(graph: Record<string, unknown>, opsets: { domain: string; version: number }[]): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'unsupported-onnx',
    opsetImport: opsets,
    graph: { name: 'g', input: [vector('X')], output: [vector('Y')], ...graph },
  }).finish();
}

/** `Y = X + W` with W's 8 bytes in `weights.bin`, as `onnx.save_model(…, save_as_external_data=True)` writes. */
export const externalDataModel = (): Uint8Array =>
  model(
    {
      node: [{ opType: 'Add', input: ['X', 'W'], output: ['Y'] }],
      initializer: [
        {
          name: 'W',
          dims: [2],
          dataType: FLOAT,
          dataLocation: 1,
          externalData: [
            { key: 'location', value: 'weights.bin' },
            { key: 'offset', value: '0' },
            { key: 'length', value: '8' },
          ],
        },
      ],
    },
    [{ domain: '', version: 17 }],
  );

/** `Y = com.acme:Frob(X)`: an operator only a custom-op library would register. */
export const customOperatorModel = (): Uint8Array =>
  model({ node: [{ opType: 'Frob', domain: 'com.acme', input: ['X'], output: ['Y'] }] }, [
    { domain: '', version: 17 },
    { domain: 'com.acme', version: 1 },
  ]);

/** `Y = com.acme:Twice(X)` where the model itself defines Twice as a function: servable. */
export const localFunctionModel = (): Uint8Array =>
  onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'unsupported-onnx',
    opsetImport: [
      { domain: '', version: 17 },
      { domain: 'com.acme', version: 1 },
    ],
    functions: [
      {
        name: 'Twice',
        domain: 'com.acme',
        input: ['A'],
        output: ['B'],
        node: [{ opType: 'Add', input: ['A', 'A'], output: ['B'] }],
        opsetImport: [{ domain: '', version: 17 }],
      },
    ],
    graph: {
      name: 'g',
      input: [vector('X')],
      output: [vector('Y')],
      node: [{ opType: 'Twice', domain: 'com.acme', input: ['X'], output: ['Y'] }],
    },
  }).finish();

/** `Y = Relu(X)` stamped with ai.onnx opset 99. */
export const futureOpsetModel = (): Uint8Array =>
  model({ node: [{ opType: 'Relu', input: ['X'], output: ['Y'] }] }, [{ domain: '', version: 99 }]);
