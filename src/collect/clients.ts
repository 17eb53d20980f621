import { ACMClient } from '@aws-sdk/client-acm';
import { ACMPCAClient } from '@aws-sdk/client-acm-pca';
import { CloudHSMV2Client } from '@aws-sdk/client-cloudhsm-v2';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';

/** The SDK clients the collectors use, by the short service name attempts carry. */
export interface ServiceClients {
  elb: ElasticLoadBalancingClient;
  elbv2: ElasticLoadBalancingV2Client;
  iam: IAMClient;
  acm: ACMClient;
  cloudhsmv2: CloudHSMV2Client;
  ec2: EC2Client;
  sts: STSClient;
  wafv2: WAFV2Client;
  acmpca: ACMPCAClient;
}

export type ServiceName = keyof ServiceClients;

/** Hands out one client per (service, region); injected so tests can point every client at an emulator. */
export type ClientFactory = <S extends ServiceName>(service: S, region: string) => ServiceClients[S];

/** Settings shared by every client the default factory builds; anything left out comes from the SDK chain. */
export interface SdkClientSettings {
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

const constructors: { [S in ServiceName]: new (config: object) => ServiceClients[S] } = {
  elb: ElasticLoadBalancingClient,
  elbv2: ElasticLoadBalancingV2Client,
  iam: IAMClient,
  acm: ACMClient,
  cloudhsmv2: CloudHSMV2Client,
  ec2: EC2Client,
  sts: STSClient,
  wafv2: WAFV2Client,
  acmpca: ACMPCAClient,
};

// Service ids as the SDK's AWS_ENDPOINT_URL_<ID> variables spell them.
const ENDPOINT_IDS: { [S in ServiceName]: string } = {
  elb: 'ELASTIC_LOAD_BALANCING',
  elbv2: 'ELASTIC_LOAD_BALANCING_V2',
  iam: 'IAM',
  acm: 'ACM',
  cloudhsmv2: 'CLOUDHSM_V2',
  ec2: 'EC2',
  sts: 'STS',
  wafv2: 'WAFV2',
  acmpca: 'ACM_PCA',
};

/**
 * The endpoint the environment configures for a service. Resolved here because not every installed client
 * reads AWS_ENDPOINT_URL itself (client-cloudhsm-v2 3.332 and client-acm-pca 3.523 predate it and would call the real AWS).
 */
export function configuredEndpoint(service: ServiceName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] === 'true') return undefined;
  const value = env[`AWS_ENDPOINT_URL_${ENDPOINT_IDS[service]}`] ?? env['AWS_ENDPOINT_URL'];
  return value !== undefined && value !== '' ? value : undefined;
}

const NO_SDK_RETRY = {
  mode: 'standard',
  retry: <T>(next: (args: unknown) => Promise<T>, args: unknown): Promise<T> => next(args),
};

/**
 * Builds the standard factory: credentials, endpoint (AWS_ENDPOINT_URL) and profile come from the SDK chain
 * unless given. SDK retries are off because the collector's own retry policy counts and paces every call.
 */
export function sdkClientFactory(settings: SdkClientSettings = {}): ClientFactory {
  const cache = new Map<string, ServiceClients[ServiceName]>();
  return <S extends ServiceName>(service: S, region: string): ServiceClients[S] => {
    const key = `${service}|${region}`;
    let client = cache.get(key);
    if (!client) {
      // maxAttempts 1 is not enough: client-cloudhsm-v2 3.332 still retries once, so a pass-through strategy
      // makes the collector's own retry the only one (and its call counts exact).
      const config: Record<string, unknown> = { region, maxAttempts: 1, retryStrategy: NO_SDK_RETRY };
      const endpoint = settings.endpoint ?? configuredEndpoint(service);
      if (endpoint !== undefined) config['endpoint'] = endpoint;
      if (settings.credentials !== undefined) config['credentials'] = settings.credentials;
      client = new constructors[service](config);
      cache.set(key, client);
    }
    return client as ServiceClients[S];
  };
}
