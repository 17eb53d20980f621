/** Typed reads of resolved properties for the mappers: an Unknown is recorded against the subject and a fallback returned. */
import type { IacEstate, Origin } from './estate.ts';
import { isRecord, isRef, isUnknown } from './values.ts';

export class PropertyReader {
  constructor(private readonly estate: IacEstate, readonly origin: Origin, readonly props: Record<string, unknown>, private readonly prefix = '') {}

  /** A reader over a nested block (a Terraform block, a CloudFormation sub-object). */
  nested(name: string, value: unknown): PropertyReader {
    return new PropertyReader(this.estate, this.origin, isRecord(value) ? value : {}, `${this.prefix}${name}.`);
  }

  /** Records an unknown value; one no rule reads (facts empty, e.g. a VPC id) is simply not known. */
  private note(name: string, value: unknown, facts: readonly string[]): void {
    if (facts.length === 0) return;
    const reason = isUnknown(value) ? value.reason : 'refers to a value known only after deploy';
    this.estate.unknown(this.origin.address, `${this.prefix}${name}`, reason, facts);
  }

  raw(name: string): unknown {
    return this.props[name];
  }

  has(name: string): boolean {
    const v = this.props[name];
    return v !== undefined && v !== null;
  }

  string(name: string, facts: readonly string[], fallback: string | null = null): string | null {
    const v = this.props[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.note(name, v, facts);
    return fallback;
  }

  number(name: string, facts: readonly string[], fallback: number | null = null): number | null {
    const v = this.props[name];
    if (v === undefined || v === null) return fallback;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    if (!Number.isNaN(n)) return n;
    this.note(name, v, facts);
    return fallback;
  }

  bool(name: string, facts: readonly string[], fallback: boolean | null = null): boolean | null {
    const v = this.props[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    this.note(name, v, facts);
    return fallback;
  }

  /** A list (a missing one is empty); an unknown list is recorded and read as empty. */
  list(name: string, facts: readonly string[]): unknown[] {
    const v = this.props[name];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    // One reference where a list is expected (`subnets = [aws_subnet.a.id]`) is a list of one.
    if (isRef(v)) return [v];
    if (isUnknown(v)) {
      this.note(name, v, facts);
      return [];
    }
    return [v];
  }

  /** A list of strings; unknown elements are recorded and dropped. */
  strings(name: string, facts: readonly string[]): string[] {
    const out: string[] = [];
    for (const v of this.list(name, facts)) {
      if (typeof v === 'string' || typeof v === 'number') out.push(String(v));
      else this.note(name, v, facts);
    }
    return out;
  }
}
