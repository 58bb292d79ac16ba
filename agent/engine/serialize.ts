// Graph -> ONNX model bytes (opset 18, IR version 8), loadable by ORT 1.30 and any other ONNX runtime.
import { floatAttrNames } from './attrs.js';
import { onnxTypeCode, type DType, type HostTensor } from './dtype.js';
import type { Graph, Node, Value } from './graph.js';
import { AttrType, ModelProto } from './onnx-schema.js';
import { UNKNOWN } from './shape.js';

/** Opset 18: reductions take axes as inputs, ScatterND/ScatterElements accept reduction='add'. */
export const OPSET = 18;
const IR_VERSION = 8;

const bytesOf = (t: HostTensor): Uint8Array =>
  new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);

const tensorProto = (name: string, t: HostTensor) => ({
  name,
  dims: [...t.dims],
  dataType: onnxTypeCode[t.dtype],
  // Little-endian raw bytes: the typed arrays' own layout on every platform Node runs on.
  rawData: bytesOf(t),
});

function valueInfo(v: Value) {
  const dims = v.shape?.map((d) => (typeof d === 'number' ? { dimValue: d } : d === UNKNOWN ? {} : { dimParam: d }));
  return {
    name: v.name,
    type: { tensorType: { elemType: onnxTypeCode[v.dtype], ...(dims ? { shape: { dim: dims } } : {}) } },
  };
}

function attribute(name: string, value: unknown) {
  if (name === 'to') return { name, type: AttrType.INT, i: onnxTypeCode[value as DType] };
  if (typeof value === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    return floatAttrNames.has(name) ? { name, type: AttrType.FLOAT, f: value } : { name, type: AttrType.INT, i: value };
  }
  if (Array.isArray(value)) {
    return floatAttrNames.has(name) ? { name, type: AttrType.FLOATS, floats: value } : { name, type: AttrType.INTS, ints: value };
  }
  if (value && typeof value === 'object' && 'dims' in value) {
    return { name, type: AttrType.TENSOR, t: tensorProto(name, value as HostTensor) };
  }
  throw new Error(`attribute '${name}': unsupported value ${String(value)}`);
}

/** Encodes `graph` as an ONNX ModelProto. */
export function toOnnx(graph: Graph, producer = 'lmm-arena'): Uint8Array {
  if (graph.outputs.length === 0) throw new Error(`graph '${graph.name}' has no outputs`);
  // Only nodes that some output depends on are written (builders and gradient rules may leave
  // dead ends); walking backwards in creation order visits consumers before producers.
  const used = new Set<Value>(graph.outputs);
  const live: Node[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!n.outputs.some((o) => used.has(o))) continue;
    live.push(n);
    for (const v of n.inputs) if (v) used.add(v);
  }
  live.reverse();
  const message = ModelProto.fromObject({
    irVersion: IR_VERSION,
    producerName: producer,
    opsetImport: [{ domain: '', version: OPSET }],
    graph: {
      name: graph.name,
      node: live.map((n) => ({
        name: n.name,
        opType: n.op,
        input: n.inputs.map((v) => v?.name ?? ''),
        output: n.outputs.map((v) => v.name),
        attribute: Object.entries(n.attrs as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .map(([k, v]) => attribute(k, v)),
      })),
      // Constants no node reads (left over from builders) are dropped rather than shipped.
      initializer: graph.initializers.filter((v) => used.has(v)).map((v) => tensorProto(v.name, v.constant!)),
      input: graph.inputs.map(valueInfo),
      output: graph.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}
