/**
 * A real half-precision ONNX model, built with onnx-proto: `Y = Cast<float16>(Cast<float>(X) · W)`
 * with X and Y float16 [N, 2] and W = [2, 0.5] (float32). onnxruntime runs it on CPU (Cast and Mul
 * are in its CPU kernels for these types), so FP16 requests go through the whole serving path.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const FLOAT = 1;
const FLOAT16 = 10;

const half = (name: string) => ({
  name,
  type: { tensorType: { elemType: FLOAT16, shape: { dim: [{ dimParam: 'N' }, { dimValue: 2 }] } } },
});

export const FLOAT16_WEIGHTS = [2, 0.5] as const;

export const float16ScalerModel = (): Uint8Array =>
  onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'float16-onnx',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'half_scaler',
      input: [half('X')],
      output: [half('Y')],
      initializer: [{ name: 'W', dims: [2], dataType: FLOAT, floatData: [...FLOAT16_WEIGHTS] }],
      node: [
        { opType: 'Cast', input: ['X'], output: ['Xf'], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
        { opType: 'Mul', input: ['Xf', 'W'], output: ['Yf'] },
        { opType: 'Cast', input: ['Yf'], output: ['Y'], attribute: [{ name: 'to', type: 2, i: FLOAT16 }] },
      ],
    },
  }).finish();
