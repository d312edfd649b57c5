/**
 * A small ONNX graph builder over onnx-proto: unique value names, nodes, typed initializers,
 * attributes and tensor value infos, encoded as one ModelProto. Pure: no runtime involved.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  INT64: onnx.TensorProto.DataType.INT64,
  STRING: onnx.TensorProto.DataType.STRING,
  DOUBLE: onnx.TensorProto.DataType.DOUBLE,
} as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

const AttributeType = onnx.AttributeProto.AttributeType;
const utf8 = new TextEncoder();

/** Attribute constructors, one per ONNX attribute type the exporter uses. */
export const attribute = {
  int: (name: string, value: number): Onnx.IAttributeProto => ({ name, type: AttributeType.INT, i: value }),
  ints: (name: string, values: readonly number[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.INTS,
    ints: [...values],
  }),
  strings: (name: string, values: readonly string[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.STRINGS,
    strings: values.map((value) => utf8.encode(value)),
  }),
  string: (name: string, value: string): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.STRING,
    s: utf8.encode(value),
  }),
  /** A 1-D float64 tensor attribute (the `*_as_tensor` attributes of the ai.onnx.ml operators). */
  doubles: (name: string, values: readonly number[]): Onnx.IAttributeProto => ({
    name,
    type: AttributeType.TENSOR,
    t: { dataType: DataType.DOUBLE, dims: [values.length], doubleData: [...values] },
  }),
};

/** A dimension: a fixed size, or a symbolic one by name (`'N'`). */
export type DimSpec = number | string;

export function tensorInfo(
  name: string,
  elemType: DataTypeCode,
  dims: readonly DimSpec[],
): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((dim) => (typeof dim === 'number' ? { dimValue: dim } : { dimParam: dim })) },
      },
    },
  };
}

export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  /** Names to give the outputs (made unique); default: one output named after the operator. */
  readonly outputs?: readonly string[];
  readonly attributes?: readonly Onnx.IAttributeProto[];
  /** '' (default) is `ai.onnx`. */
  readonly domain?: string;
}

export interface ModelSpec {
  readonly name: string;
  readonly docString: string;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly inputs: readonly Onnx.IValueInfoProto[];
  readonly outputs: readonly Onnx.IValueInfoProto[];
  readonly metadata: Readonly<Record<string, string>>;
}

/** The IR version that goes with opset 17 (ONNX 1.12). */
const IR_VERSION = 8;

/**
 * Collects nodes and initializers. Every value name it hands out is unique in the graph: graph
 * input and output names are claimed first, and intermediate values never take them.
 */
export class GraphBuilder {
  readonly #nodes: Onnx.INodeProto[] = [];
  readonly #initializers: Onnx.ITensorProto[] = [];
  readonly #names = new Set<string>();
  /** Graph outputs claimed and not yet written by a node. */
  readonly #pendingOutputs = new Set<string>();

  /** Claims a graph input's name. @throws Error if the name is taken. */
  input(name: string): string {
    this.#claim(name);
    return name;
  }

  /** Claims a graph output's name: the first node that names it as an output writes it. */
  output(name: string): string {
    this.#claim(name);
    this.#pendingOutputs.add(name);
    return name;
  }

  /** `base`, or `base_2`, `base_3`…: the first free one, claimed. */
  fresh(base: string): string {
    let name = base;
    for (let n = 2; this.#names.has(name); n += 1) name = `${base}_${n}`;
    this.#names.add(name);
    return name;
  }

  /**
   * Adds a node; returns its output names: a claimed graph output as it is, any other name made
   * unique with `fresh`.
   */
  node(spec: NodeSpec): string[] {
    const outputs = (spec.outputs ?? [spec.op]).map((name) => {
      if (!this.#pendingOutputs.delete(name)) return this.fresh(name);
      return name;
    });
    this.#nodes.push({
      name: outputs[0] ?? spec.op,
      opType: spec.op,
      domain: spec.domain ?? '',
      input: [...spec.inputs],
      output: outputs,
      attribute: [...(spec.attributes ?? [])],
    });
    return outputs;
  }

  /** Adds a node with one output; returns its name. */
  node1(spec: NodeSpec): string {
    return this.node(spec)[0] as string;
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`The value name "${name}" is used twice.`);
    this.#names.add(name);
  }

  double(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.#initializer(base, DataType.DOUBLE, dims, { doubleData: [...values] });
  }

  float(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.#initializer(base, DataType.FLOAT, dims, { floatData: [...values] });
  }

  int64(base: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.#initializer(base, DataType.INT64, dims, { int64Data: [...values] });
  }

  strings(base: string, values: readonly string[], dims: readonly number[] = [values.length]): string {
    return this.#initializer(base, DataType.STRING, dims, {
      stringData: values.map((value) => utf8.encode(value)),
    });
  }

  #initializer(
    base: string,
    dataType: DataTypeCode,
    dims: readonly number[],
    data: Partial<Onnx.ITensorProto>,
  ): string {
    const name = this.fresh(base);
    this.#initializers.push({ name, dataType, dims: [...dims], ...data });
    return name;
  }

  /** The encoded ModelProto. @throws Error when a claimed graph output was never written. */
  encode(spec: ModelSpec): Uint8Array {
    if (this.#pendingOutputs.size > 0) {
      throw new Error(`No node writes the graph output(s) ${[...this.#pendingOutputs].join(', ')}.`);
    }
    return onnx.ModelProto.encode({
      irVersion: IR_VERSION,
      producerName: spec.producerName,
      producerVersion: spec.producerVersion,
      docString: spec.docString,
      opsetImport: spec.opsets.map((opset) => ({ ...opset })),
      metadataProps: Object.entries(spec.metadata).map(([key, value]) => ({ key, value })),
      graph: {
        name: spec.name,
        docString: spec.docString,
        node: this.#nodes,
        initializer: this.#initializers,
        input: [...spec.inputs],
        output: [...spec.outputs],
      },
    }).finish();
  }
}
