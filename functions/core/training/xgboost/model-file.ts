/**
 * Reads an XGBoost model file, whichever of its formats `Booster.save_model` wrote, into one plain
 * description of the booster (no conversion yet):
 * - JSON (`save_model('m.json')`, XGBoost ≥ 1.0);
 * - UBJSON (`save_model('m.ubj')`, XGBoost ≥ 1.6; the default format from 2.0 on);
 * - the deprecated binary format (`save_model('m.model')` / `'m.bin'`, or any name without `.json` or
 *   `.ubj` before 2.0): what SageMaker's built-in XGBoost 1.7-1 writes as `xgboost-model`. Read as
 *   XGBoost 1.x writes it, with or without the `binf` header; files from XGBoost < 1.0 keep
 *   `base_score` as a margin, which is recorded (`baseScoreIsMargin`).
 * The format is told from the bytes, as XGBoost's own loader does: `{` then `"` (or space) is JSON,
 * `{` then a letter is UBJSON, anything else the binary layout.
 *
 * Pickled boosters (older SageMaker containers) are not model files and are refused.
 */
import { UnprocessableError } from '../../errors.ts';
import { decodeUbjson } from './ubjson.ts';

export type XgboostModelFormat = 'json' | 'ubjson' | 'binary';

/** One tree's nodes, as XGBoost stores them (node i's fields at index i; node 0 is the root). */
export interface XgboostTree {
  /** -1 on leaves. */
  readonly leftChildren: ArrayLike<number>;
  readonly rightChildren: ArrayLike<number>;
  readonly splitIndices: ArrayLike<number>;
  /** A branch's threshold, or a leaf's value (float32, learning rate applied). */
  readonly splitConditions: ArrayLike<number>;
  /** 1 when a missing value goes left. */
  readonly defaultLeft: ArrayLike<number>;
  /** 0 numerical, 1 categorical; empty in formats older than categorical splits. */
  readonly splitTypes: ArrayLike<number>;
  /** > 0 for vector-leaf (multi-target) trees. */
  readonly sizeLeafVector: number;
}

export interface XgboostModel {
  readonly format: XgboostModelFormat;
  /** [major, minor, patch] of the XGBoost that wrote the file, when the file says. */
  readonly version?: readonly number[];
  /** `gbtree`, `dart` or `gblinear`. */
  readonly booster: string;
  readonly objective: string;
  /** `base_score` as stored: one value, or one per output (XGBoost ≥ 3.0). */
  readonly baseScore: readonly number[];
  /** XGBoost < 1.0 stored `base_score` of non-multiclass objectives already as a margin. */
  readonly baseScoreIsMargin: boolean;
  readonly numFeature: number;
  readonly numClass: number;
  readonly numTarget: number;
  readonly numParallelTree: number;
  readonly trees: readonly XgboostTree[];
  /** The output (class) each tree adds to, in storage order. */
  readonly treeInfo: ArrayLike<number>;
  /** `best_iteration`, `best_score`, ... (strings, as XGBoost keeps them). */
  readonly attributes: Readonly<Record<string, string>>;
  /** The names XGBoost was trained with (`learner.feature_names`); JSON and UBJSON only, when set. */
  readonly featureNames?: readonly string[];
}

const invalid = (format: string, problem: string): never => {
  throw new UnprocessableError(`Not a valid XGBoost ${format} model: ${problem}.`);
};

/** The model format of the file's bytes (see the module comment). */
export function detectFormat(bytes: Uint8Array): XgboostModelFormat {
  if (bytes.byteLength === 0) return invalid('model', 'the file is empty');
  // A pickle starts with the PROTO opcode (0x80) and a protocol number.
  if (bytes[0] === 0x80 && (bytes[1] ?? 0) <= 5) {
    throw new UnprocessableError(
      'This is a pickled Python object, not an XGBoost model file; save the booster with ' +
        "Booster.save_model('model.json') (or .ubj) and upload that.",
    );
  }
  if (bytes[0] !== 0x7b /* { */) return 'binary';
  let at = 1;
  while (at < bytes.byteLength && [0x20, 0x09, 0x0a, 0x0d].includes(bytes[at] as number)) at += 1;
  const next = bytes[at] ?? 0;
  if (next === 0x22 /* " */ || next === 0x7d /* } */) return 'json';
  const isLetter = (next >= 0x41 && next <= 0x5a) || (next >= 0x61 && next <= 0x7a);
  if (isLetter || next === 0x24 /* $ */ || next === 0x23 /* # */) return 'ubjson';
  return invalid('model', 'it starts with "{" but is neither JSON nor UBJSON');
}

/**
 * Reads a model file (JSON, UBJSON or the deprecated binary format).
 *
 * @example
 * const model = readXgboostModel(await readFile('xgboost-model'));
 * model.objective; // 'binary:logistic'
 */
export function readXgboostModel(bytes: Uint8Array): XgboostModel {
  const format = detectFormat(bytes);
  if (format === 'binary') return readBinaryModel(bytes);
  let document: unknown;
  if (format === 'json') {
    try {
      document = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch (error) {
      throw new UnprocessableError(
        `Not a valid XGBoost JSON model: ${(error as Error).message}.`,
        {},
        {
          cause: error,
        },
      );
    }
  } else {
    document = decodeUbjson(bytes);
  }
  return readDocument(document, format);
}

// ---------------------------------------------------------------------------------------------------
// JSON and UBJSON: the same document, read through these helpers.

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

function child(parent: unknown, key: string, where: string, format: string): Doc {
  const value = isObject(parent) ? parent[key] : undefined;
  if (!isObject(value)) return invalid(format, `${where}.${key} is missing`);
  return value;
}

/** An integer field XGBoost may store as a number or as its decimal text ("3"). */
function integer(value: unknown, where: string, format: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) return invalid(format, `${where} is not an integer`);
  return n;
}

/** A numeric array: a typed array (UBJSON) or an array of numbers or booleans (JSON). */
function numbers(value: unknown, where: string, format: string): ArrayLike<number> {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
      return invalid(format, `${where} holds 64-bit integers`);
    }
    return value as unknown as ArrayLike<number>;
  }
  if (!Array.isArray(value)) return invalid(format, `${where} is not an array`);
  const out = new Float64Array(value.length);
  for (let k = 0; k < value.length; k += 1) {
    const item = value[k];
    if (typeof item === 'number') out[k] = item;
    else if (typeof item === 'boolean') out[k] = item ? 1 : 0;
    else return invalid(format, `${where}[${k}] is not a number`);
  }
  return out;
}

/** `"5E-1"`, or a vector as text `"[5E-1,2E-1]"` (XGBoost ≥ 3.0), or a number. */
function baseScoreOf(value: unknown, format: string): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value !== 'string') return invalid(format, 'learner_model_param.base_score is missing');
  const text = value.trim().replace(/^\[/, '').replace(/\]$/, '');
  const scores = text.split(',').map((part) => Number(part.trim()));
  if (scores.length === 0 || scores.some((score) => !Number.isFinite(score))) {
    return invalid(format, `base_score "${value}" is not a number`);
  }
  return scores;
}

function attributesOf(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' && key !== '__proto__') out[key] = item;
  }
  return out;
}

/** `learner.feature_names`: absent or [] when the model was trained without names. */
function featureNamesOf(value: unknown, format: string): { featureNames?: string[] } {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return {};
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    return invalid(format, 'learner.feature_names is not a list of names');
  }
  return { featureNames: value };
}

function treeOf(value: unknown, index: number, format: string): XgboostTree {
  const where = `trees[${index}]`;
  if (!isObject(value)) return invalid(format, `${where} is not an object`);
  const param = isObject(value.tree_param) ? value.tree_param : {};
  const tree: XgboostTree = {
    leftChildren: numbers(value.left_children, `${where}.left_children`, format),
    rightChildren: numbers(value.right_children, `${where}.right_children`, format),
    splitIndices: numbers(value.split_indices, `${where}.split_indices`, format),
    splitConditions: numbers(value.split_conditions, `${where}.split_conditions`, format),
    defaultLeft: numbers(value.default_left, `${where}.default_left`, format),
    splitTypes:
      value.split_type === undefined ? [] : numbers(value.split_type, `${where}.split_type`, format),
    sizeLeafVector: integer(param.size_leaf_vector, `${where}.tree_param.size_leaf_vector`, format, 0),
  };
  const nodes = tree.leftChildren.length;
  const declared = integer(param.num_nodes, `${where}.tree_param.num_nodes`, format, nodes);
  const lengths = [
    tree.rightChildren.length,
    tree.splitIndices.length,
    tree.splitConditions.length,
    tree.defaultLeft.length,
  ];
  if (declared !== nodes || lengths.some((length) => length !== nodes)) {
    return invalid(format, `${where} has node arrays of different lengths`);
  }
  return tree;
}

function readDocument(document: unknown, format: XgboostModelFormat): XgboostModel {
  const name = format === 'json' ? 'JSON' : 'UBJSON';
  const learner = child(document, 'learner', '(root)', name);
  const param = child(learner, 'learner_model_param', 'learner', name);
  const objective = child(learner, 'objective', 'learner', name).name;
  const booster = child(learner, 'gradient_booster', 'learner', name);
  if (typeof objective !== 'string') return invalid(name, 'learner.objective.name is missing');
  if (typeof booster.name !== 'string') return invalid(name, 'learner.gradient_booster.name is missing');
  const version = (document as Doc).version;
  const common = {
    format,
    ...(version === undefined ? {} : { version: Array.from(numbers(version, 'version', name)) }),
    booster: booster.name,
    objective,
    baseScore: baseScoreOf(param.base_score, name),
    baseScoreIsMargin: false,
    numFeature: integer(param.num_feature, 'learner_model_param.num_feature', name, 0),
    numClass: integer(param.num_class, 'learner_model_param.num_class', name, 0),
    numTarget: integer(param.num_target, 'learner_model_param.num_target', name, 1),
    attributes: attributesOf(learner.attributes),
    ...featureNamesOf(learner.feature_names, name),
  };
  if (booster.name !== 'gbtree') {
    // Refused by the converter with the booster's name; nothing more to read.
    return { ...common, numParallelTree: 1, trees: [], treeInfo: [] };
  }
  const model = child(booster, 'model', 'learner.gradient_booster', name);
  const treeParam = isObject(model.gbtree_model_param) ? model.gbtree_model_param : {};
  const rawTrees = model.trees;
  if (!Array.isArray(rawTrees)) return invalid(name, 'gradient_booster.model.trees is not an array');
  const trees = rawTrees.map((tree, index) => treeOf(tree, index, name));
  const treeInfo = numbers(model.tree_info, 'gradient_booster.model.tree_info', name);
  const numTrees = integer(treeParam.num_trees, 'gbtree_model_param.num_trees', name, trees.length);
  if (numTrees !== trees.length || treeInfo.length !== trees.length) {
    return invalid(
      name,
      `${numTrees} trees declared, ${trees.length} stored, ${treeInfo.length} in tree_info`,
    );
  }
  return {
    ...common,
    numParallelTree: integer(treeParam.num_parallel_tree, 'gbtree_model_param.num_parallel_tree', name, 1),
    trees,
    treeInfo,
  };
}

// ---------------------------------------------------------------------------------------------------
// The deprecated binary format: little-endian C structs as XGBoost 1.x writes them.

/** sizeof(LearnerModelParamLegacy), sizeof(GBTreeModelParam), sizeof(TreeParam), node, node stats. */
const LEARNER_PARAM_BYTES = 136;
const GBTREE_PARAM_BYTES = 160;
const TREE_PARAM_BYTES = 148;
const NODE_BYTES = 20;
const NODE_STAT_BYTES = 16;
/** Bounds on counts read from the file, far above real models, so a corrupt count fails cleanly. */
const MAX_STRING_BYTES = 1 << 26;
const MAX_ATTRIBUTES = 1 << 16;

class BinaryReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(problem: string): never {
    return invalid('binary', `${problem} (byte ${this.offset})`);
  }

  need(count: number): number {
    if (count > this.#bytes.byteLength - this.offset) this.fail(`the file ends early`);
    const at = this.offset;
    this.offset += count;
    return at;
  }

  int32(at: number): number {
    return this.#view.getInt32(at, true);
  }

  uint32(at: number): number {
    return this.#view.getUint32(at, true);
  }

  float32(at: number): number {
    return this.#view.getFloat32(at, true);
  }

  /** A uint64 count, bounded by `max`. */
  count(max: number, what: string): number {
    const at = this.need(8);
    const value = this.#view.getBigUint64(at, true);
    if (value > BigInt(max)) this.fail(`${what} of ${value} is not plausible`);
    return Number(value);
  }

  /** dmlc::Stream's string: uint64 length, then the bytes. */
  string(what: string): string {
    const length = this.count(MAX_STRING_BYTES, `a ${what} length`);
    const at = this.need(length);
    return new TextDecoder().decode(this.#bytes.subarray(at, at + length));
  }
}

function readBinaryModel(bytes: Uint8Array): XgboostModel {
  const reader = new BinaryReader(bytes);
  if (new TextDecoder().decode(bytes.subarray(0, 4)) === 'binf') reader.offset = 4;
  const learner = reader.need(LEARNER_PARAM_BYTES);
  const baseScore = reader.float32(learner);
  const numFeature = reader.uint32(learner + 4);
  const numClass = reader.int32(learner + 8);
  const hasAttributes = reader.int32(learner + 12) !== 0;
  const major = reader.uint32(learner + 20);
  const minor = reader.uint32(learner + 24);
  // num_target exists from 1.6 on; older files have 0 in its (then reserved) place.
  const numTarget = Math.max(1, reader.int32(learner + 28));
  if (numClass < 0 || numFeature > 1 << 24) reader.fail('the learner parameters are not plausible');
  const objective = reader.string('objective');
  const booster = reader.string('booster');

  const common = {
    format: 'binary' as const,
    ...(major > 0 || minor > 0 ? { version: [major, minor] } : {}),
    booster,
    objective,
    baseScore: [baseScore],
    baseScoreIsMargin: major < 1,
    numFeature,
    numClass,
    numTarget,
  };
  if (booster !== 'gbtree') {
    // dart appends its tree weights, gblinear has another layout: refused by the converter by name.
    return { ...common, numParallelTree: 1, trees: [], treeInfo: [], attributes: {} };
  }

  const gbtree = reader.need(GBTREE_PARAM_BYTES);
  const numTrees = reader.int32(gbtree);
  // num_parallel_tree in 1.x; the deprecated num_roots (always 1) before.
  const numParallelTree = Math.max(1, reader.int32(gbtree + 4));
  if (numTrees < 0 || numTrees * (TREE_PARAM_BYTES + 4) > bytes.byteLength) {
    reader.fail(`${numTrees} trees cannot fit in the file`);
  }
  const trees: XgboostTree[] = [];
  for (let t = 0; t < numTrees; t += 1) {
    const param = reader.need(TREE_PARAM_BYTES);
    const numNodes = reader.int32(param + 4);
    const sizeLeafVector = reader.int32(param + 20);
    if (numNodes < 1 || numNodes * (NODE_BYTES + NODE_STAT_BYTES) > bytes.byteLength) {
      reader.fail(`tree ${t} declares ${numNodes} nodes`);
    }
    const nodes = reader.need(numNodes * NODE_BYTES);
    reader.need(numNodes * NODE_STAT_BYTES); // loss change, hessian sum, weight: training statistics
    const leftChildren = new Int32Array(numNodes);
    const rightChildren = new Int32Array(numNodes);
    const splitIndices = new Int32Array(numNodes);
    const splitConditions = new Float32Array(numNodes);
    const defaultLeft = new Uint8Array(numNodes);
    for (let n = 0; n < numNodes; n += 1) {
      const at = nodes + n * NODE_BYTES;
      leftChildren[n] = reader.int32(at + 4);
      rightChildren[n] = reader.int32(at + 8);
      const sindex = reader.uint32(at + 12);
      splitIndices[n] = sindex & 0x7fffffff;
      defaultLeft[n] = sindex >>> 31;
      // A union: the split threshold on branches, the leaf value on leaves.
      splitConditions[n] = reader.float32(at + 16);
    }
    trees.push({
      leftChildren,
      rightChildren,
      splitIndices,
      splitConditions,
      defaultLeft,
      splitTypes: [],
      sizeLeafVector,
    });
  }
  const info = reader.need(numTrees * 4);
  const treeInfo = Int32Array.from({ length: numTrees }, (_, t) => reader.int32(info + 4 * t));
  const attributes: Record<string, string> = {};
  if (hasAttributes) {
    const count = reader.count(MAX_ATTRIBUTES, 'an attribute count');
    for (let k = 0; k < count; k += 1) {
      const key = reader.string('attribute name');
      const value = reader.string('attribute value');
      if (key !== '__proto__') attributes[key] = value;
    }
  }
  return { ...common, numParallelTree, trees, treeInfo, attributes };
}
