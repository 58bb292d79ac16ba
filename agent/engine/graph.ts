// The graph under construction: values (typed, with static or named symbolic shapes), nodes in
// creation order (which is a topological order: a node can only use values that already exist),
// graph inputs, initializers (baked tensors) and outputs. Op builders in ops/*.ts append nodes.
import type { OpAttrs, OpType } from './attrs.js';
import { fromNumbers, sizeOf, type DType, type HostTensor } from './dtype.js';

/** A dimension: a number, a named symbol shared by values ('batch', 'seq'), or '?' (unknown). */
export type Dim = number | string;
export type Dims = readonly Dim[];

export class Value {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: DType,
    /** undefined when even the rank is unknown. */
    readonly shape: Dims | undefined,
    /** The node that computes this value; undefined for graph inputs and initializers. */
    readonly producer: Node | undefined,
    /** The data of an initializer, so builders can read constant axes/shapes at build time. */
    readonly constant?: HostTensor,
  ) {}

  get rank(): number | undefined {
    return this.shape?.length;
  }

  /** The static shape, or an error naming `what` needs it. */
  requireShape(what: string): Dims {
    if (!this.shape) throw new Error(`${what}: rank of '${this.name}' is unknown`);
    return this.shape;
  }
}

export interface Node<K extends OpType = OpType> {
  readonly op: K;
  readonly name: string;
  /** null marks an omitted optional input (serialised as the empty name). */
  readonly inputs: readonly (Value | null)[];
  readonly outputs: readonly Value[];
  readonly attrs: OpAttrs[K];
}

export interface OutputSpec {
  dtype: DType;
  shape: Dims | undefined;
}

export class Graph {
  readonly inputs: Value[] = [];
  readonly initializers: Value[] = [];
  readonly nodes: Node[] = [];
  readonly outputs: Value[] = [];
  private readonly used = new Set<string>();
  private readonly scalars = new Map<string, Value>();
  private counter = 0;

  constructor(readonly name = 'graph') {}

  /** A name not used yet in this graph, derived from `base`. */
  freshName(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`name '${name}' is already used in graph '${this.name}'`);
    this.used.add(name);
    return name;
  }

  /** A graph input fed at run time (parameters, batches, masks). */
  input(name: string, dtype: DType, shape: Dims): Value {
    const v = new Value(this, this.claim(name), dtype, shape, undefined);
    this.inputs.push(v);
    return v;
  }

  /** A tensor baked into the model (weights for export, or constants). */
  initializer(name: string, tensor: HostTensor): Value {
    return this.addInitializer(this.claim(name), tensor);
  }

  /** An anonymous constant tensor. */
  constant(tensor: HostTensor): Value {
    return this.addInitializer(this.freshName('const'), tensor);
  }

  private addInitializer(name: string, tensor: HostTensor): Value {
    if (tensor.data.length !== sizeOf(tensor.dims)) {
      throw new Error(`initializer '${name}': ${tensor.data.length} elements for dims [${tensor.dims}]`);
    }
    const v = new Value(this, name, tensor.dtype, [...tensor.dims], undefined, tensor);
    this.initializers.push(v);
    return v;
  }

  /** A rank-0 constant; identical scalars are shared. */
  scalar(value: number, dtype: DType): Value {
    const key = `${dtype}:${value}`;
    let v = this.scalars.get(key);
    if (!v) {
      v = this.constant({ dtype, dims: [], data: fromNumbers(dtype, [value]) });
      this.scalars.set(key, v);
    }
    return v;
  }

  /** A 1-D int64 constant, the form ONNX wants for axes, shapes, starts and ends. */
  ints(values: readonly number[]): Value {
    return this.constant({ dtype: 'int64', dims: [values.length], data: fromNumbers('int64', values) });
  }

  /** Marks `value` as a graph output, under `name` (an Identity node renames when needed). */
  output(value: Value, name = value.name): Value {
    let out = value;
    const taken = this.outputs.some((o) => o === value) || this.inputs.includes(value) || !!value.constant;
    if (name !== value.name || taken) {
      out = this.emit('Identity', [value], {}, [{ dtype: value.dtype, shape: value.shape }], name)[0];
    }
    this.outputs.push(out);
    return out;
  }

  /** Appends one node; the op builders are the intended callers. */
  emit<K extends OpType>(
    op: K,
    inputs: readonly (Value | null)[],
    attrs: OpAttrs[K],
    outputs: readonly OutputSpec[],
    outName?: string,
  ): Value[] {
    for (const v of inputs) {
      if (v && v.graph !== this) throw new Error(`${op}: input '${v.name}' belongs to another graph`);
    }
    const nodeName = this.freshName(`${op}_n`);
    const outs: Value[] = [];
    const node: Node<K> = { op, name: nodeName, inputs, outputs: outs, attrs };
    outputs.forEach((spec, i) => {
      const name = i === 0 && outName ? this.claim(outName) : this.freshName(op.toLowerCase());
      outs.push(new Value(this, name, spec.dtype, spec.shape, node));
    });
    this.nodes.push(node as Node);
    return outs;
  }
}
