/**
 * Packs the report data (model.ts) into the `<script id="report-data">` element the page reads.
 *
 * Findings and resources are stored column by column, integer columns as flat number lists, and each
 * table (load balancers, listeners, probes, certificates) as one list per field; a field whose values
 * repeat (types, protocols, flags, zones, tags, settings, counts) is a dictionary plus an index per row. The page rebuilds a
 * row only when it shows it. Above COMPRESS_ABOVE bytes the island is gzip-compressed and base64-coded,
 * with the integer columns as little-endian Int32 after the JSON, so the browser neither parses
 * millions of numbers nor holds the 70 MB a 50,000 load-balancer estate's JSON would be; the page
 * inflates it with DecompressionStream (ADR 0020).
 */
import { endianness } from 'node:os';
import { gzipSync } from 'node:zlib';
import { jsonForScript } from './escape.ts';
import type { ReportData } from './model.ts';
import { templateMessage } from './compact.ts';

/** A payload (JSON plus integer columns) larger than this is shipped gzip+base64 (a few thousand load balancers). */
export const COMPRESS_ABOVE = 2 * 1024 * 1024;
/** The data-encoding attribute of a compressed island. */
export const GZIP_ENCODING = 'gzip-base64';

/** An integer column: a number list in JSON, a slice of the binary tail when compressed. */
class IntColumn {
  constructor(readonly values: Int32Array) {}
  toJSON(): unknown {
    const sink = binarySink;
    if (sink === null) return Array.from(this.values);
    const at = sink.length;
    sink.columns.push(this.values);
    sink.length += this.values.length;
    return { b: [at, this.values.length] };
  }
}

/** While a compressed island is serialised, integer columns are collected here instead of written as JSON. */
let binarySink: { columns: Int32Array[]; length: number } | null = null;

function ints(values: ArrayLike<number>): IntColumn {
  return new IntColumn(Int32Array.from(values));
}

/** A dictionary-coded column: distinct values once, one index per row. */
interface DictColumn { d: unknown[]; i: IntColumn }

/** One list per field; integer fields as IntColumn, repeating non-scalar fields dictionary-coded. */
export interface PackedTable { n: number; c: string[]; v: (unknown[] | IntColumn | DictColumn)[] }

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
}

/** Key of a value for dictionary coding: strings as themselves, anything else as its JSON. */
function valueKey(v: unknown): string {
  return typeof v === 'string' ? `s${v}` : `j${JSON.stringify(v)}`;
}

function packColumn(values: unknown[]): unknown[] | IntColumn | DictColumn {
  if (values.length > 0 && values.every(isInt)) return ints(values as number[]);
  // Any field whose values repeat (types, schemes, protocols, flags, zones, tags, counts...): each
  // distinct value once and an integer index per row, when that at least halves the list.
  const index = new Map<string, number>();
  const dict: unknown[] = [];
  const at = new Int32Array(values.length);
  const most = Math.floor(values.length / 2);
  for (let r = 0; r < values.length; r++) {
    const key = valueKey(values[r]);
    let i = index.get(key);
    if (i === undefined) {
      if (dict.length >= most) return values;
      i = dict.length;
      dict.push(values[r]);
      index.set(key, i);
    }
    at[r] = i;
  }
  return { d: dict, i: new IntColumn(at) };
}

/** Rows of same-shaped objects as one packed list per field. */
export function packTable<T extends object>(rows: readonly T[]): PackedTable {
  const first = rows[0];
  const keys = first === undefined ? [] : Object.keys(first);
  return { n: rows.length, c: keys, v: keys.map((k) => packColumn(rows.map((row) => (row as Record<string, unknown>)[k]))) };
}

/** Rows given as {c, r} (model.ts's columnar) as a packed table. */
function packColumnar(t: { c: string[]; r: unknown[][] }): PackedTable {
  return { n: t.r.length, c: t.c, v: t.c.map((_, k) => packColumn(t.r.map((row) => row[k]))) };
}

/** The island's object, version 2 (what the page script reads). */
export function islandObject(data: ReportData): Record<string, unknown> {
  const { findings, resources, loadBalancers, listeners, served, certificates, ...rest } = data;
  const n = findings.length;
  const f = [new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n), new Int32Array(n)];
  for (let i = 0; i < n; i++) {
    const row = findings[i]!;
    for (let k = 0; k < 6; k++) f[k]![i] = row[k]!;
  }
  const m = resources.length;
  const kinds: string[] = [];
  const kindIndex = new Map<string, number>();
  const res = { prefix: new Int32Array(m), rest: new Array<string>(m), kind: new Int32Array(m), name: new Array<string>(m),
    account: new Int32Array(m), region: new Int32Array(m), lb: new Int32Array(m), lbType: new Int32Array(m) };
  // The resource index of each load balancer: names under it store its name as a placeholder.
  const lbResource = loadBalancers.r.map((row) => row[loadBalancers.c.indexOf('r')] as number);
  for (let i = 0; i < m; i++) {
    const [prefix, rawRest, kind, rawName, account, region, lb, lbType] = resources[i]!;
    // Under a load balancer, its name becomes a placeholder (the load balancer's own name only gets the
    // literal mark when it holds a placeholder character), as templateMessage does for messages.
    const own = lb >= 0 ? lbResource[lb] : undefined;
    const lbName = own === undefined || own === i ? null : resources[own]![3];
    const arnRest = own === undefined ? rawRest : templateMessage(rawRest, '', lbName);
    const name = own === undefined ? rawName : templateMessage(rawName, '', lbName);
    let k = kindIndex.get(kind);
    if (k === undefined) {
      k = kinds.length;
      kinds.push(kind);
      kindIndex.set(kind, k);
    }
    res.prefix[i] = prefix; res.rest[i] = arnRest; res.kind[i] = k; res.name[i] = name;
    res.account[i] = account; res.region[i] = region; res.lb[i] = lb; res.lbType[i] = lbType;
  }
  return {
    v: 2, ...rest, kinds,
    findings: { n, rule: new IntColumn(f[0]!), resource: new IntColumn(f[1]!), status: new IntColumn(f[2]!), severity: new IntColumn(f[3]!),
      message: new IntColumn(f[4]!), detail: new IntColumn(f[5]!) },
    resources: { n: m, prefix: new IntColumn(res.prefix), rest: res.rest, kind: new IntColumn(res.kind), name: res.name,
      account: new IntColumn(res.account), region: new IntColumn(res.region), lb: new IntColumn(res.lb), lbType: new IntColumn(res.lbType) },
    loadBalancers: packColumnar(loadBalancers), listeners: packColumnar(listeners), served: packColumnar(served), certificates: packColumnar(certificates),
  };
}

/** The island as plain JSON (what a small report carries). */
export function islandJson(data: ReportData): string {
  return JSON.stringify(islandObject(data));
}

/** Compressed payload: u32 JSON length, JSON (UTF-8), zero padding to 4 bytes, Int32 LE columns. */
export function compressedPayload(object: Record<string, unknown>): Buffer {
  binarySink = { columns: [], length: 0 };
  let json: string;
  let sink: { columns: Int32Array[]; length: number };
  try {
    json = JSON.stringify(object);
  } finally {
    sink = binarySink;
    binarySink = null;
  }
  const jsonBytes = Buffer.from(json, 'utf8');
  const head = 4 + jsonBytes.length;
  const start = head + ((4 - (head % 4)) % 4);
  const out = Buffer.alloc(start + sink.length * 4);
  out.writeUInt32LE(jsonBytes.length, 0);
  jsonBytes.copy(out, 4);
  let at = start;
  const littleEndian = endianness() === 'LE';
  for (const column of sink.columns) {
    if (littleEndian) {
      out.set(new Uint8Array(column.buffer, column.byteOffset, column.byteLength), at);
      at += column.byteLength;
    } else for (let i = 0; i < column.length; i++, at += 4) out.writeInt32LE(column[i]!, at);
  }
  return out;
}

/** The `<script>` element holding the data: JSON when small, gzip+base64 above COMPRESS_ABOVE. */
export function dataIsland(data: ReportData, compressAbove = COMPRESS_ABOVE): string {
  const object = islandObject(data);
  const bytes = compressedPayload(object);
  if (bytes.length <= compressAbove) {
    return `<script type="application/json" id="report-data">${jsonForScript(object)}</script>`;
  }
  const packed = gzipSync(bytes, { level: 6 }).toString('base64');
  return `<script type="application/octet-stream" id="report-data" data-encoding="${GZIP_ENCODING}">${packed}</script>`;
}
