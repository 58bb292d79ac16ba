// Element types the engine supports, their ONNX TensorProto codes and the typed arrays that hold them.
// float64 exists for gradient checks (ORT has float64 kernels for nearly every op we use; not Erf).

export type DType = 'float32' | 'float64' | 'int64' | 'int32' | 'bool';

export interface ArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  int64: BigInt64Array;
  int32: Int32Array;
  // ORT's JS API represents bool tensors as Uint8Array (one byte per element).
  bool: Uint8Array;
}
export type TypedArray = ArrayOf[DType];

/** ONNX TensorProto.DataType codes (onnx.proto). */
export const onnxTypeCode: Record<DType, number> = {
  float32: 1,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

export const dtypeFromOnnxCode = (code: number): DType => {
  const found = (Object.keys(onnxTypeCode) as DType[]).find((d) => onnxTypeCode[d] === code);
  if (!found) throw new Error(`unsupported ONNX element type code ${code}`);
  return found;
};

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';

export function allocate<D extends DType>(dtype: D, size: number): ArrayOf[D] {
  const make: { [K in DType]: (n: number) => ArrayOf[K] } = {
    float32: (n) => new Float32Array(n),
    float64: (n) => new Float64Array(n),
    int64: (n) => new BigInt64Array(n),
    int32: (n) => new Int32Array(n),
    bool: (n) => new Uint8Array(n),
  };
  return make[dtype](size);
}

/** Copies plain numbers into the typed array of `dtype` (int64 via BigInt, truncating). */
export function fromNumbers<D extends DType>(dtype: D, values: ArrayLike<number>): ArrayOf[D] {
  const out = allocate(dtype, values.length);
  if (dtype === 'int64') {
    const o = out as BigInt64Array;
    for (let i = 0; i < values.length; i++) o[i] = BigInt(Math.trunc(values[i]));
  } else {
    const o = out as Float32Array | Float64Array | Int32Array | Uint8Array;
    for (let i = 0; i < values.length; i++) o[i] = values[i];
  }
  return out;
}

/** Reads any supported typed array back as plain numbers (int64 beyond 2^53 loses precision). */
export function toNumbers(data: TypedArray): number[] {
  return Array.from(data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A tensor held in JS memory: used for initializers, feeds and fetched outputs. */
export interface HostTensor<D extends DType = DType> {
  dtype: D;
  dims: readonly number[];
  data: ArrayOf[D];
}

export const sizeOf = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** Makes a HostTensor; numbers are converted to the dtype's typed array, typed arrays are kept. */
export function tensor<D extends DType>(dtype: D, data: ArrayLike<number> | ArrayOf[D], dims: readonly number[]): HostTensor<D> {
  const arr = ArrayBuffer.isView(data) && !(dtype === 'int64' && !(data instanceof BigInt64Array))
    ? (data as ArrayOf[D])
    : fromNumbers(dtype, data as ArrayLike<number>);
  if (arr.length !== sizeOf(dims)) throw new Error(`tensor: ${arr.length} elements for dims [${dims}]`);
  return { dtype, dims, data: arr };
}
