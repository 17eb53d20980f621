/**
 * Terraform plan JSON (`terraform show -json plan.out`, format_version 1.x) as Terraform's "JSON Output Format"
 * documents it: resource_changes (after + after_unknown) give each planned resource's values, planned_values
 * stands in when a plan has no changes list, and configuration gives the references a value only known after
 * apply points at (listener -> load balancer) and tells an omitted attribute from one set to an unknown value.
 */
import { AuditError } from '../model/errors.ts';
import type { ParsedSource } from './document.ts';
import type { TerraformSources } from './terraform-source.ts';
import { isRecord, ResourceRef, Unknown, type IacResource, type SourceSpan } from './values.ts';

/** Resource types the Terraform mapper reads (AWS provider registry documentation). */
export const TERRAFORM_TYPES: ReadonlySet<string> = new Set([
  'aws_lb', 'aws_alb', 'aws_lb_listener', 'aws_alb_listener', 'aws_lb_listener_rule', 'aws_alb_listener_rule',
  'aws_lb_listener_certificate', 'aws_alb_listener_certificate', 'aws_lb_target_group', 'aws_alb_target_group',
  'aws_lb_trust_store', 'aws_lb_trust_store_revocation', 'aws_elb', 'aws_load_balancer_policy',
  'aws_load_balancer_listener_policy', 'aws_load_balancer_backend_server_policy', 'aws_lb_ssl_negotiation_policy',
  'aws_iam_server_certificate', 'aws_acm_certificate', 'aws_subnet',
  'aws_cloudhsm_v2_cluster', 'aws_cloudhsm_v2_hsm',
]);

const AFTER_APPLY = 'known after apply';

export function isTerraformPlan(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && 'format_version' in value && ('planned_values' in value || 'resource_changes' in value);
}

interface ConfigResource { expressions: Record<string, unknown>; modulePrefix: string }

/** Config address (module.a.module.b.TYPE.NAME, no instance keys) -> expressions. */
function configIndex(config: unknown): Map<string, ConfigResource> {
  const out = new Map<string, ConfigResource>();
  const walk = (module: unknown, prefix: string, depth: number) => {
    if (!isRecord(module) || depth > 32) return;
    for (const r of Array.isArray(module.resources) ? module.resources : []) {
      if (isRecord(r) && typeof r.address === 'string') out.set(`${prefix}${r.address}`, { expressions: isRecord(r.expressions) ? r.expressions : {}, modulePrefix: prefix });
    }
    for (const [name, call] of Object.entries(isRecord(module.module_calls) ? module.module_calls : {})) {
      if (isRecord(call)) walk(call.module, `${prefix}module.${name}.`, depth + 1);
    }
  };
  walk(isRecord(config) ? config.root_module : null, '', 0);
  return out;
}

const stripIndexes = (address: string) => address.replace(/\[[^\]]*\]/g, '');

/** Marks values Terraform computes only at apply as Unknown, following after_unknown's shape. */
function markUnknown(value: unknown, unknown: unknown): unknown {
  if (unknown === true) return new Unknown(AFTER_APPLY);
  if (Array.isArray(unknown)) {
    const list = Array.isArray(value) ? [...value] : [];
    unknown.forEach((u, i) => { list[i] = markUnknown(list[i], u); });
    return list;
  }
  if (isRecord(unknown)) {
    const obj: Record<string, unknown> = isRecord(value) ? { ...value } : {};
    for (const [k, u] of Object.entries(unknown)) obj[k] = markUnknown(obj[k], u);
    return obj;
  }
  return value;
}

/** The managed resource a reference names ("aws_lb.web.arn" -> aws_lb.web), or null for var/local/data/... */
function referencedAddress(reference: string, prefix: string): { address: string; attribute: string | null } | null {
  const parts = reference.replace(/\[[^\]]*\]/g, '').split('.');
  if (['var', 'local', 'data', 'each', 'count', 'path', 'self', 'terraform', 'module'].includes(parts[0] ?? '')) return null;
  if (parts.length < 2) return null;
  return { address: `${prefix}${parts[0]}.${parts[1]}`, attribute: parts[2] ?? null };
}

/** Replaces unknown values by the resource their expression references; drops unknowns the code never set. */
type Instances = ReadonlyMap<string, string[]>;

/** The instance a reference means: the one with the referrer's own index (count/for_each), else the only or first one. */
function instanceOf(target: string, instances: Instances, index: string): string | null {
  const all = instances.get(target);
  if (!all) return null;
  return all.find((a) => a === `${target}${index}`) ?? all[0]!;
}

function linkExpressions(value: unknown, expression: unknown, prefix: string, known: Instances, top: boolean, index: string): unknown {
  if (isRecord(expression) && ('references' in expression || 'constant_value' in expression)) {
    if (!(value instanceof Unknown)) return value;
    const refs = Array.isArray(expression.references) ? expression.references.filter((r): r is string => typeof r === 'string') : [];
    // Terraform lists each reference twice (aws_lb.web.arn and aws_lb.web): one ResourceRef per resource named.
    const targets = new Map<string, ResourceRef>();
    for (const r of refs) {
      const target = referencedAddress(r, prefix);
      const address = target ? instanceOf(target.address, known, index) : null;
      if (target && address && !targets.has(address)) targets.set(address, new ResourceRef(address, target.attribute));
    }
    if (targets.size === 1) return [...targets.values()][0];
    if (targets.size > 1) return [...targets.values()];
    return refs.length > 0 ? new Unknown(`${AFTER_APPLY} (${refs[0]})`) : value;
  }
  if (Array.isArray(value) && Array.isArray(expression)) return value.map((v, i) => linkExpressions(v, expression[i], prefix, known, false, index));
  if (isRecord(value) && isRecord(expression)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A top-level attribute the configuration does not set is computed by the provider: its API default applies.
      if (top && v instanceof Unknown && !(k in expression)) continue;
      out[k] = k in expression ? linkExpressions(v, expression[k], prefix, known, false, index) : v;
    }
    return out;
  }
  return value;
}

function providerRegion(config: unknown): string | null {
  const aws = isRecord(config) && isRecord(config.provider_config) ? config.provider_config.aws : null;
  const region = isRecord(aws) && isRecord(aws.expressions) && isRecord(aws.expressions.region) ? aws.expressions.region.constant_value : null;
  return typeof region === 'string' ? region : null;
}

/** A module call of the plan's configuration: its address prefix, its `source` and the calls inside it. */
export interface ModuleCall { prefix: string; key: string; source: string; calls: ModuleCall[] }

/** The module calls of a plan's configuration, nested as written (`module.a.module.b.`, key `a.b`). */
export function moduleCalls(plan: ParsedSource): ModuleCall[] {
  const walk = (module: unknown, prefix: string, key: string, depth: number): ModuleCall[] => {
    if (!isRecord(module) || depth > 32 || !isRecord(module.module_calls)) return [];
    return Object.entries(module.module_calls).flatMap(([name, call]) => {
      if (!isRecord(call)) return [];
      const p = `${prefix}module.${name}.`;
      const k = key === '' ? name : `${key}.${name}`;
      return [{ prefix: p, key: k, source: typeof call.source === 'string' ? call.source : '', calls: walk(call.module, p, k, depth + 1) }];
    });
  };
  const doc = plan.value as Record<string, unknown>;
  return walk(isRecord(doc.configuration) ? doc.configuration.root_module : null, '', '', 0);
}

/** Reads the planned resources of one plan. */
export function readTerraformPlan(plan: ParsedSource, sources: TerraformSources | null, options: { account: string | null; region: string | null }): IacResource[] {
  const doc = plan.value as Record<string, unknown>;
  const version = String(doc.format_version);
  if (!/^1\.\d+$/.test(version)) throw new AuditError('BAD_INPUT', `plan format_version ${version} is not supported (this reader knows 1.x)`, `${plan.path} (format_version)`);
  const config = configIndex(doc.configuration);
  const region = options.region ?? providerRegion(doc.configuration) ?? 'unknown';
  const account = options.account ?? 'unknown';
  type Planned = { address: string; type: string; values: unknown; span: SourceSpan | null };
  const planned: Planned[] = [];
  if (Array.isArray(doc.resource_changes)) {
    doc.resource_changes.forEach((rc, i) => {
      if (!isRecord(rc) || rc.mode !== 'managed' || typeof rc.address !== 'string' || typeof rc.type !== 'string' || !isRecord(rc.change)) {
        if (!isRecord(rc) || typeof rc.address !== 'string') throw new AuditError('BAD_INPUT', 'a resource change without an address', `${plan.path}:${plan.spans.get(`resource_changes/${i}`)?.startLine ?? 1}`);
        return;
      }
      const actions = Array.isArray(rc.change.actions) ? rc.change.actions : [];
      if (actions.length === 1 && actions[0] === 'delete') return;
      planned.push({ address: rc.address, type: rc.type, values: markUnknown(rc.change.after, rc.change.after_unknown), span: plan.spans.get(`resource_changes/${i}`) ?? null });
    });
  } else {
    const walk = (module: unknown, at: string, depth: number) => {
      if (!isRecord(module) || depth > 32) return;
      (Array.isArray(module.resources) ? module.resources : []).forEach((r, i) => {
        if (isRecord(r) && r.mode === 'managed' && typeof r.address === 'string' && typeof r.type === 'string') planned.push({ address: r.address, type: r.type, values: r.values, span: plan.spans.get(`${at}/resources/${i}`) ?? null });
      });
      (Array.isArray(module.child_modules) ? module.child_modules : []).forEach((m, i) => walk(m, `${at}/child_modules/${i}`, depth + 1));
    };
    walk(isRecord(doc.planned_values) ? doc.planned_values.root_module : null, 'planned_values/root_module', 0);
  }
  const known = new Map<string, string[]>();
  for (const p of planned) known.set(stripIndexes(p.address), [...(known.get(stripIndexes(p.address)) ?? []), p.address]);
  return planned.filter((p) => TERRAFORM_TYPES.has(p.type)).map((p) => {
    const configAddress = stripIndexes(p.address);
    const conf = config.get(configAddress);
    const values = isRecord(p.values) ? p.values : {};
    const properties = (conf ? linkExpressions(values, conf.expressions, conf.modulePrefix, known, true, /(\[[^\]]*\])$/.exec(p.address)?.[1] ?? '') : values) as Record<string, unknown>;
    const lines = sources?.get(configAddress);
    return {
      format: 'terraform' as const, address: p.address, type: p.type, properties,
      span: lines?.span ?? p.span, propertySpans: lines?.properties ?? {}, account, region,
    };
  });
}
