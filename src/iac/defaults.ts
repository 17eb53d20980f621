/**
 * What AWS applies when infrastructure code leaves a property out, so an omitted value is judged as the
 * service will deploy it (never as "not set, so fine"). Each value names the page that states it.
 */

/**
 * An HTTPS (ALB) or TLS (NLB) listener created without SslPolicy through the API, CLI, CloudFormation or CDK
 * gets ELBSecurityPolicy-2016-08 (TLS 1.0 and up); only the console picks a newer one.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/describe-ssl-policies.html
 */
export const ELBV2_DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/**
 * A Classic HTTPS/SSL listener without an SSL negotiation policy is given the default predefined policy.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/elb-security-policy-table.html
 */
export const CLASSIC_DEFAULT_SSL_POLICY = 'ELBSecurityPolicy-2016-08';

/**
 * ELBv2 load balancer attributes as the API creates them (DescribeLoadBalancerAttributes of a new load balancer).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerAttribute.html
 * Cross-zone is always on for ALBs and off by default for NLBs and GWLBs:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#cross-zone-load-balancing
 */
export function elbv2DefaultAttributes(type: 'application' | 'network' | 'gateway'): Record<string, string> {
  const common = { 'deletion_protection.enabled': 'false', 'access_logs.s3.enabled': 'false' };
  if (type === 'application') {
    return { ...common, 'routing.http.drop_invalid_header_fields.enabled': 'false', 'routing.http.desync_mitigation_mode': 'defensive', 'load_balancing.cross_zone.enabled': 'true' };
  }
  return { ...common, 'load_balancing.cross_zone.enabled': 'false' };
}

/**
 * Classic load balancer attributes created through the API: cross-zone, connection draining and access logs
 * off, desync mitigation defensive (the console turns cross-zone and draining on; code does not).
 * https://docs.aws.amazon.com/elasticloadbalancing/2012-06-01/APIReference/API_LoadBalancerAttributes.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/config-desync-mitigation-mode.html
 */
export const CLASSIC_DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  'cross_zone_load_balancing.enabled': 'false',
  'connection_draining.enabled': 'false',
  'access_log.enabled': 'false',
  desync_mitigation_mode: 'defensive',
};

/**
 * A target group's health check protocol when none is given: HTTP and HTTPS groups check with their own
 * protocol, TCP/TLS/UDP groups with TCP.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html
 */
export function defaultHealthCheckProtocol(protocol: string | null): string | null {
  if (protocol === null) return null;
  return protocol === 'HTTP' || protocol === 'HTTPS' ? protocol : 'TCP';
}

/** A load balancer's DNS name is assigned when it is created. */
export const DNS_AFTER_DEPLOY = '(DNS name assigned at deploy)';
