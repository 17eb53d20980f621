/**
 * The values IaC readers hand to the mapper: plain JSON where the code states a value, an Unknown where it
 * cannot be known before deploy (never a guess), and a ResourceRef where one resource points at another.
 */

/** A value only known after deploy, with the reason (an unresolvable intrinsic, `(known after apply)`, ...). */
export class Unknown {
  constructor(readonly reason: string) {}
}

/** A reference to another resource of the same source (CloudFormation Ref/GetAtt, a Terraform expression reference). */
export class ResourceRef {
  constructor(readonly address: string, readonly attribute: string | null) {}
}

/** Where something sits in a source file: a repository-relative path and a 1-based line range. */
export interface SourceSpan {
  file: string;
  startLine: number;
  endLine: number;
}

export type IacFormat = 'cloudformation' | 'terraform';

/** One resource of a template or plan, its properties resolved as far as the code allows. */
export interface IacResource {
  format: IacFormat;
  /** Unique within the run: `<stack>/<LogicalId>` for CloudFormation, the resource address for Terraform. */
  address: string;
  type: string;
  properties: Record<string, unknown>;
  span: SourceSpan | null;
  /** Top-level property name -> where it is written. */
  propertySpans: Record<string, SourceSpan>;
  account: string;
  region: string;
}

export const isUnknown = (v: unknown): v is Unknown => v instanceof Unknown;
export const isRef = (v: unknown): v is ResourceRef => v instanceof ResourceRef;

/** A plain object (not a list, not a marker). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof ResourceRef);
}

/** The first Unknown anywhere inside a value, or null. */
export function firstUnknown(v: unknown): Unknown | null {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  } else if (isRecord(v)) {
    for (const x of Object.values(v)) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  return null;
}
