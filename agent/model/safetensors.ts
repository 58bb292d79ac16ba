// The safetensors file layout, written and read here (it is small): an 8-byte little-endian header
// length, a JSON header { name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: {...} },
// then the raw little-endian tensor bytes, back to back with no holes (Python's reader checks that).

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

export function encodeSafetensors(tensors: ReadonlyMap<string, NamedTensor>, metadata: Record<string, string> = {}): Buffer {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  const names = [...tensors.keys()].sort();
  for (const name of names) {
    const t = tensors.get(name)!;
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] needs ${n} values, has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8); // keeps the data 8-byte aligned
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, pos); // host is little-endian (x86/ARM)
    pos += d.byteLength;
  }
  return out;
}

export interface DecodedSafetensors {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

/** Parses and validates a safetensors buffer; `what` names the file in errors. */
export function decodeSafetensors(buf: Buffer, what = 'safetensors file'): DecodedSafetensors {
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}`);
  };
  if (buf.length < 8) fail(`truncated (${buf.length} bytes, no header length)`);
  const headerLen = Number(buf.readBigUInt64LE(0));
  if (headerLen > buf.length - 8) fail(`truncated: header says ${headerLen} header bytes, file has ${buf.length - 8} after the length`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(buf.subarray(8, 8 + headerLen).toString('utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail(`corrupted header (not JSON: ${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('corrupted header (not a JSON object)');
  const dataStart = 8 + headerLen;
  const dataLen = buf.length - dataStart;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    if (typeof raw !== 'object' || raw === null) fail(`tensor ${name}: header entry is not an object`);
    const e = raw as Partial<HeaderEntry>;
    if (e.dtype !== 'F32') fail(`tensor ${name}: dtype ${String(e.dtype)} is not supported (F32 only)`);
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`tensor ${name}: bad shape`);
    const [b, en] = Array.isArray(e.data_offsets) ? e.data_offsets : [];
    const n = e.shape!.reduce((x, y) => x * y, 1);
    if (!Number.isInteger(b) || !Number.isInteger(en) || b! < 0 || en! - b! !== n * 4) fail(`tensor ${name}: offsets do not match shape [${e.shape}]`);
    if (en! > dataLen) fail(`truncated: tensor ${name} ends at byte ${en} of ${dataLen} data bytes`);
    spans.push([b!, en!, name]);
    // Copy into a fresh aligned array: the file's data may not sit at a 4-byte boundary in `buf`.
    const data = new Float32Array(n);
    new Uint8Array(data.buffer).set(buf.subarray(dataStart + b!, dataStart + en!));
    tensors.set(name, { shape: e.shape!, data });
  }
  spans.sort((x, y) => x[0] - y[0]);
  let pos = 0;
  for (const [b, en, name] of spans) {
    if (b !== pos) fail(`tensor ${name} starts at ${b}, expected ${pos} (holes or overlaps)`);
    pos = en;
  }
  if (pos !== dataLen) fail(`${dataLen - pos} trailing bytes after the last tensor`);
  return { tensors, metadata };
}
