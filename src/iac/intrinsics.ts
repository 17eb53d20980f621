/**
 * CloudFormation intrinsic functions, resolved as far as the template alone allows: parameters (defaults and
 * --parameter overrides), pseudo parameters, Mappings, Conditions, Ref/GetAtt between resources (kept as
 * references), Sub, Join, Select, Split, If, FindInMap, Base64. What only deploy can tell (ImportValue, GetAZs,
 * dynamic references, a parameter with no value) is an Unknown with the reason. An intrinsic this reader does
 * not know, a Ref to nothing, or a circular condition is bad input naming the file and the line.
 */
import { AuditError } from '../model/errors.ts';
import { isRecord, ResourceRef, Unknown, type SourceSpan } from './values.ts';

/**
 * Fn::GetAZs: the zone names are known only at deploy, but `!Select [i, !GetAZs '']` for different i are
 * different zones of the region, so the selected item gets a stand-in name that keeps them apart.
 */
export class ZoneList extends Unknown {
  constructor(readonly region: string) {
    super('Fn::GetAZs is answered by the region at deploy');
  }
}

/** Marks a value removed by `Ref: AWS::NoValue`. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

const MAX_DEPTH = 64;

export interface TemplateScope {
  /** The file, for messages. */
  path: string;
  /** Address prefix of this template's resources. */
  stack: string;
  parameters: Map<string, unknown>;
  resources: ReadonlySet<string>;
  mappings: Record<string, unknown>;
  conditions: Record<string, unknown>;
  pseudo: Record<string, unknown>;
  spans: Map<string, SourceSpan>;
}

/** The line of the nearest written ancestor of a template path, for messages. */
function placeOf(scope: TemplateScope, at: string): string {
  for (let p = at; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
    const span = scope.spans.get(p);
    if (span) return `${scope.path}:${span.startLine} (${at})`;
  }
  return `${scope.path} (${at})`;
}

const bad = (scope: TemplateScope, at: string, message: string) => new AuditError('BAD_INPUT', message, placeOf(scope, at));

/** Condition values by name, each computed once; a condition that needs itself is bad input. */
export class ConditionEvaluator {
  private readonly done = new Map<string, boolean | Unknown>();
  private readonly visiting = new Set<string>();
  constructor(private readonly scope: TemplateScope, private readonly resolver: IntrinsicResolver) {}

  value(name: string, at: string): boolean | Unknown {
    const cached = this.done.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.scope.conditions)) throw bad(this.scope, at, `condition "${name}" is not declared in Conditions`);
    if (this.visiting.has(name)) throw bad(this.scope, `Conditions/${name}`, `circular condition: "${name}" depends on itself`);
    this.visiting.add(name);
    const raw = this.resolver.resolve(this.scope.conditions[name], `Conditions/${name}`);
    this.visiting.delete(name);
    const value = typeof raw === 'boolean' ? raw : raw instanceof Unknown ? raw : new Unknown(`condition ${name} cannot be evaluated before deploy`);
    this.done.set(name, value);
    return value;
  }
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Resolves intrinsic functions in one template. */
export class IntrinsicResolver {
  readonly conditions: ConditionEvaluator;
  constructor(private readonly scope: TemplateScope) {
    this.conditions = new ConditionEvaluator(scope, this);
  }

  /** A value with every intrinsic resolved (Unknown / ResourceRef where deploy decides; NO_VALUE entries dropped). */
  resolve(value: unknown, at: string, depth = 0): unknown {
    if (depth > MAX_DEPTH) throw bad(this.scope, at, `intrinsic functions nested deeper than ${MAX_DEPTH}`);
    if (typeof value === 'string') return value.includes('{{resolve:') ? new Unknown(`dynamic reference ${value} is resolved at deploy`) : value;
    if (Array.isArray(value)) {
      return value.map((v, i) => this.resolve(v, `${at}/${i}`, depth + 1)).filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const keys = Object.keys(value);
    const only = keys.length === 1 ? keys[0]! : null;
    if (only !== null && (only === 'Ref' || only === 'Condition' || only.startsWith('Fn::'))) {
      return this.intrinsic(only, value[only], `${at}/${only}`, depth + 1);
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const v = this.resolve(value[k], `${at}/${k}`, depth + 1);
      if (v !== NO_VALUE) out[k] = v;
    }
    return out;
  }

  private text(v: unknown): string | Unknown {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (v instanceof Unknown) return v;
    if (v instanceof ResourceRef) return new Unknown(`${v.attribute ? `attribute ${v.attribute} of ` : 'the id of '}${v.address} is known only after deploy`);
    return new Unknown('a value that is not a string');
  }

  private ref(name: unknown, at: string): unknown {
    if (typeof name !== 'string') throw bad(this.scope, at, 'Ref takes a name');
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in this.scope.pseudo) return this.scope.pseudo[name];
    if (this.scope.parameters.has(name)) return this.scope.parameters.get(name);
    if (this.scope.resources.has(name)) return new ResourceRef(`${this.scope.stack}/${name}`, null);
    if (name.startsWith('AWS::')) return new Unknown(`pseudo parameter ${name} is known only at deploy`);
    throw bad(this.scope, at, `Ref to "${name}", which is neither a parameter nor a resource of this template`);
  }

  private intrinsic(fn: string, arg: unknown, at: string, depth: number): unknown {
    const scope = this.scope;
    const args = (n: number): unknown[] => {
      if (!Array.isArray(arg) || arg.length < n) throw bad(scope, at, `${fn} takes a list of ${n} arguments`);
      return arg;
    };
    switch (fn) {
      case 'Ref':
        return this.ref(this.resolve(arg, at, depth), at);
      case 'Condition':
        if (typeof arg !== 'string') throw bad(scope, at, 'Condition takes a condition name');
        return this.conditions.value(arg, at);
      case 'Fn::GetAtt': {
        const [res, attr] = Array.isArray(arg) ? arg : [];
        if (typeof res !== 'string' || typeof attr !== 'string') throw bad(scope, at, 'Fn::GetAtt takes [LogicalId, Attribute]');
        if (!scope.resources.has(res)) throw bad(scope, at, `Fn::GetAtt of "${res}", which is not a resource of this template`);
        return new ResourceRef(`${scope.stack}/${res}`, attr);
      }
      case 'Fn::If': {
        const [name, yes, no] = args(3);
        if (typeof name !== 'string') throw bad(scope, at, 'Fn::If takes a condition name first');
        const cond = this.conditions.value(name, at);
        if (cond instanceof Unknown) return new Unknown(`Fn::If on condition ${name}: ${cond.reason}`);
        return this.resolve(cond ? yes : no, `${at}/${cond ? 1 : 2}`, depth);
      }
      case 'Fn::Equals': {
        const [a, b] = args(2).map((x, i) => this.resolve(x, `${at}/${i}`, depth));
        const unknown = [a, b].find((x) => x instanceof Unknown || x instanceof ResourceRef);
        if (unknown) return unknown instanceof Unknown ? unknown : new Unknown('Fn::Equals compares a value known only after deploy');
        return sameValue(a, b);
      }
      case 'Fn::And':
      case 'Fn::Or':
      case 'Fn::Not': {
        const parts = (Array.isArray(arg) ? arg : [arg]).map((x, i) => this.resolve(x, `${at}/${i}`, depth));
        const unknown = parts.find((p) => typeof p !== 'boolean');
        if (fn === 'Fn::Not') return typeof parts[0] === 'boolean' ? !parts[0] : (unknown instanceof Unknown ? unknown : new Unknown('Fn::Not of a non-boolean'));
        if (fn === 'Fn::And' && parts.includes(false)) return false;
        if (fn === 'Fn::Or' && parts.includes(true)) return true;
        if (unknown !== undefined) return unknown instanceof Unknown ? unknown : new Unknown(`${fn} of a value known only after deploy`);
        return fn === 'Fn::And';
      }
      case 'Fn::Sub':
        return this.sub(arg, at, depth);
      case 'Fn::Join': {
        const [delim, list] = args(2);
        const items = this.resolve(list, `${at}/1`, depth);
        if (items instanceof Unknown) return items;
        if (typeof delim !== 'string' || !Array.isArray(items)) throw bad(scope, at, 'Fn::Join takes [delimiter, list]');
        const texts = items.map((i) => this.text(i));
        const unknown = texts.find((t) => t instanceof Unknown);
        return unknown ?? texts.join(delim);
      }
      case 'Fn::Select': {
        const [index, list] = args(2).map((x, i) => this.resolve(x, `${at}/${i}`, depth));
        if (index instanceof Unknown) return index;
        if (list instanceof ZoneList && Number.isInteger(Number(index))) return `(zone ${Number(index) + 1} of ${list.region})`;
        if (list instanceof Unknown) return list;
        const n = Number(index);
        if (!Array.isArray(list) || !Number.isInteger(n)) throw bad(scope, at, 'Fn::Select takes [index, list]');
        if (n < 0 || n >= list.length) throw bad(scope, at, `Fn::Select index ${n} is outside a list of ${list.length}`);
        return list[n];
      }
      case 'Fn::Split': {
        const [delim, source] = args(2).map((x, i) => this.resolve(x, `${at}/${i}`, depth));
        if (source instanceof Unknown) return source;
        if (typeof delim !== 'string' || typeof source !== 'string') return new Unknown('Fn::Split of a value known only after deploy');
        return source.split(delim);
      }
      case 'Fn::FindInMap': {
        const [map, top, second] = args(3).map((x, i) => this.resolve(x, `${at}/${i}`, depth));
        const unknown = [map, top, second].find((x) => typeof x !== 'string');
        if (unknown !== undefined) return unknown instanceof Unknown ? unknown : new Unknown('Fn::FindInMap key known only after deploy');
        const table = scope.mappings[map as string];
        const row = isRecord(table) ? table[top as string] : undefined;
        const cell = isRecord(row) ? row[second as string] : undefined;
        if (cell === undefined) throw bad(scope, at, `Fn::FindInMap: Mappings has no ${String(map)}/${String(top)}/${String(second)}`);
        return this.resolve(cell, `Mappings/${String(map)}/${String(top)}/${String(second)}`, depth);
      }
      case 'Fn::Base64': {
        const v = this.text(this.resolve(arg, at, depth));
        return v instanceof Unknown ? v : Buffer.from(v, 'utf8').toString('base64');
      }
      case 'Fn::Length': {
        const v = this.resolve(arg, at, depth);
        return Array.isArray(v) ? v.length : v instanceof Unknown ? v : new Unknown('Fn::Length of a non-list');
      }
      case 'Fn::ToJsonString': {
        const v = this.resolve(arg, at, depth);
        return JSON.stringify(v, (_k, x) => (x instanceof Unknown || x instanceof ResourceRef ? undefined : x));
      }
      case 'Fn::ImportValue':
        return new Unknown('Fn::ImportValue reads another stack\'s export at deploy');
      case 'Fn::GetAZs': {
        const region = this.resolve(arg, at, depth);
        const pseudo = scope.pseudo['AWS::Region'];
        return new ZoneList(typeof region === 'string' && region !== '' ? region : typeof pseudo === 'string' ? pseudo : 'the region');
      }
      case 'Fn::Cidr':
        return new Unknown('Fn::Cidr is computed at deploy');
      case 'Fn::Transform':
        return new Unknown('Fn::Transform runs a macro at deploy');
      default:
        throw bad(scope, at, `unknown intrinsic function ${fn}`);
    }
  }

  private sub(arg: unknown, at: string, depth: number): unknown {
    const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
    if (typeof template !== 'string' || !isRecord(vars)) throw bad(this.scope, at, 'Fn::Sub takes a string or [string, {variables}]');
    let unknown: Unknown | null = null;
    const out = template.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`;
      let v: unknown;
      if (name in vars) v = this.resolve(vars[name], `${at}/1/${name}`, depth);
      else if (name.includes('.') && !name.startsWith('AWS::')) {
        const dot = name.indexOf('.');
        const res = name.slice(0, dot);
        if (!this.scope.resources.has(res)) throw bad(this.scope, at, `Fn::Sub refers to \${${name}}, and "${res}" is not a resource of this template`);
        v = new ResourceRef(`${this.scope.stack}/${res}`, name.slice(dot + 1));
      } else v = this.ref(name, at);
      const t = this.text(v);
      if (t instanceof Unknown) {
        unknown ??= new Unknown(`Fn::Sub uses \${${name}}: ${t.reason}`);
        return whole;
      }
      return t;
    });
    return unknown ?? out;
  }
}
