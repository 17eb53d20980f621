/**
 * CloudFormation and SAM templates (YAML with short-form intrinsics, or JSON): the resources this tool judges,
 * with their properties resolved by src/iac/intrinsics.ts and the line span of each resource and property.
 * SAM's transform does not touch load balancers, certificates or listeners, so a SAM template is read as is.
 */
import { AuditError } from '../model/errors.ts';
import { parseSource, readSourceText, type ParsedSource } from './document.ts';
import { IntrinsicResolver, type TemplateScope } from './intrinsics.ts';
import { isRecord, Unknown, type IacResource } from './values.ts';

/** Resource types the mapper reads (AWS CloudFormation resource reference); others are passed over. */
export const CLOUDFORMATION_TYPES: ReadonlySet<string> = new Set([
  'AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::ElasticLoadBalancingV2::Listener', 'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::ListenerCertificate', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'AWS::ElasticLoadBalancingV2::TrustStore',
  'AWS::ElasticLoadBalancingV2::TrustStoreRevocation', 'AWS::ElasticLoadBalancing::LoadBalancer', 'AWS::IAM::ServerCertificate',
  'AWS::CertificateManager::Certificate', 'AWS::EC2::Subnet', 'AWS::CloudHSM::Cluster',
]);

export interface TemplateOptions {
  /** Address prefix of this template's resources (a stack name). */
  stack: string;
  /** Values given for parameters (--parameter, or a parent stack's Parameters); they win over Default. */
  parameters: ReadonlyMap<string, unknown>;
  account: string | null;
  region: string | null;
}

/** A nested stack (AWS::CloudFormation::Stack) found in a template, for the caller to locate and read. */
export interface NestedStackRef {
  address: string;
  logicalId: string;
  templateUrl: unknown;
  /** The TemplateURL as written (intrinsics and all), to find an asset hash in it when the region is unknown. */
  templateUrlText: string;
  metadataAssetPath: string | null;
  parameters: Map<string, unknown>;
}

export interface TemplateRead {
  resources: IacResource[];
  nestedStacks: NestedStackRef[];
  source: ParsedSource;
}

/** Declared parameters with their value: an override, else Default, else Unknown (never a guess). */
function parameterValues(source: ParsedSource, declared: unknown, given: ReadonlyMap<string, unknown>): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (declared === undefined || declared === null) return out;
  if (!isRecord(declared)) throw new AuditError('BAD_INPUT', 'Parameters must be a mapping', `${source.path} (Parameters)`);
  for (const [name, spec] of Object.entries(declared)) {
    const type = isRecord(spec) && typeof spec.Type === 'string' ? spec.Type : 'String';
    let value: unknown = given.has(name) ? given.get(name) : isRecord(spec) && 'Default' in spec ? spec.Default : undefined;
    if (value === undefined) value = new Unknown(`parameter ${name} has no Default and no --parameter ${name}=VALUE`);
    else if (type.startsWith('AWS::SSM::Parameter::Value') && !given.has(name)) value = new Unknown(`parameter ${name} is read from SSM at deploy`);
    else if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    if (typeof value === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList' || type.includes('<List<'))) value = value.split(',').map((s) => s.trim());
    out.set(name, value);
  }
  return out;
}

/** Reads one template from its parsed source. */
export function readTemplate(source: ParsedSource, options: TemplateOptions): TemplateRead {
  const doc = source.value;
  if (!isRecord(doc) || !isRecord(doc.Resources)) throw new AuditError('BAD_INPUT', 'not a CloudFormation template: no Resources mapping', source.path);
  const resourcesDecl = doc.Resources;
  const scope: TemplateScope = {
    path: source.path,
    stack: options.stack,
    parameters: parameterValues(source, doc.Parameters, options.parameters),
    resources: new Set(Object.keys(resourcesDecl)),
    mappings: isRecord(doc.Mappings) ? doc.Mappings : {},
    conditions: isRecord(doc.Conditions) ? doc.Conditions : {},
    pseudo: {
      'AWS::Region': options.region ?? new Unknown('the region is known at deploy (pass --region)'),
      'AWS::AccountId': options.account ?? new Unknown('the account is known at deploy (pass --account)'),
      'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::StackName': options.stack,
    },
    spans: source.spans,
  };
  const resolver = new IntrinsicResolver(scope);
  const resources: IacResource[] = [];
  const nestedStacks: NestedStackRef[] = [];
  for (const [logicalId, decl] of Object.entries(resourcesDecl)) {
    const at = `Resources/${logicalId}`;
    if (!isRecord(decl) || typeof decl.Type !== 'string') throw new AuditError('BAD_INPUT', `resource ${logicalId} has no Type`, `${source.path}:${source.spans.get(at)?.startLine ?? 1}`);
    const relevant = CLOUDFORMATION_TYPES.has(decl.Type);
    const nestedStack = decl.Type === 'AWS::CloudFormation::Stack' || decl.Type === 'AWS::Serverless::Application';
    if (!relevant && !nestedStack) continue;
    // A resource whose condition is false is not deployed; an unknown condition keeps it (judged, not assumed away).
    if (typeof decl.Condition === 'string' && resolver.conditions.value(decl.Condition, `${at}/Condition`) === false) continue;
    const raw = decl.Properties ?? {};
    const properties = resolver.resolve(raw, `${at}/Properties`);
    if (!isRecord(properties)) throw new AuditError('BAD_INPUT', `resource ${logicalId}: Properties must be a mapping`, `${source.path}:${source.spans.get(at)?.startLine ?? 1}`);
    const address = `${options.stack}/${logicalId}`;
    if (nestedStack) {
      const metadata = isRecord(decl.Metadata) ? decl.Metadata['aws:asset:path'] : undefined;
      // SAM's nested application names its template in Location (a path, a URL, or a Serverless Application Repository id).
      const urlKey = decl.Type === 'AWS::Serverless::Application' ? 'Location' : 'TemplateURL';
      nestedStacks.push({
        address, logicalId, templateUrl: properties[urlKey], templateUrlText: JSON.stringify(isRecord(raw) ? raw[urlKey] ?? null : null),
        metadataAssetPath: typeof metadata === 'string' ? metadata : null,
        parameters: new Map(Object.entries(isRecord(properties.Parameters) ? properties.Parameters : {})),
      });
      continue;
    }
    const propertySpans: IacResource['propertySpans'] = {};
    for (const key of Object.keys(properties)) {
      const span = source.spans.get(`${at}/Properties/${key}`);
      if (span) propertySpans[key] = span;
    }
    resources.push({
      format: 'cloudformation', address, type: decl.Type, properties, span: source.spans.get(at) ?? null, propertySpans,
      account: options.account ?? 'unknown', region: options.region ?? 'unknown',
    });
  }
  return { resources, nestedStacks, source };
}

/** Reads a template file. */
export function readTemplateFile(path: string, uri: string, options: TemplateOptions): TemplateRead {
  return readTemplate(parseSource(path, uri, readSourceText(path)), options);
}
