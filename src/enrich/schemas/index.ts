/** The facts JSON Schema of every subject kind; rule examples and enrich output validate against these. */
import type { SubjectKind } from '../../model/facts.ts';
import certificate from './certificate.schema.json' with { type: 'json' };
import endpoint from './endpoint.schema.json' with { type: 'json' };
import hsmCluster from './hsmCluster.schema.json' with { type: 'json' };
import listener from './listener.schema.json' with { type: 'json' };
import loadBalancer from './loadBalancer.schema.json' with { type: 'json' };

export const factsSchemas: Record<SubjectKind, object> = { listener, loadBalancer, certificate, hsmCluster, endpoint };
