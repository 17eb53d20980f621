/**
 * moto has no mTLS (no trust stores, no MutualAuthentication on listeners). These build the two ELBv2
 * answers an mTLS listener produces, in the Query/XML wire shape of the 2015-12-01 API, so the proxy can
 * serve them for one load balancer. Built from the estate, not recorded from AWS.
 */
import type { SeedEstate } from './estate.ts';

const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

/** The trust store ARN the mTLS listener verifies against. */
export function trustStoreArn(estate: SeedEstate): string {
  return `arn:aws:elasticloadbalancing:${estate.region}:123456789012:truststore/partners/6f2a9c1d0e4b7a35`;
}

/** DescribeListeners for the ALB: its HTTPS listener in verify mode, ALPN set. */
export function mtlsListenersResponse(estate: SeedEstate, targetGroupArn: string): string {
  return `<DescribeListenersResponse xmlns="${NS}"><DescribeListenersResult><Listeners><member>
<LoadBalancerArn>${estate.albArn}</LoadBalancerArn><Protocol>HTTPS</Protocol><Port>443</Port>
<ListenerArn>${estate.albHttpsListenerArn}</ListenerArn><SslPolicy>ELBSecurityPolicy-TLS13-1-2-2021-06</SslPolicy>
<Certificates><member><CertificateArn>${estate.acmCertArn}</CertificateArn></member></Certificates>
<DefaultActions><member><Type>forward</Type><TargetGroupArn>${targetGroupArn}</TargetGroupArn></member></DefaultActions>
<MutualAuthentication><Mode>verify</Mode><TrustStoreArn>${trustStoreArn(estate)}</TrustStoreArn><IgnoreClientCertificateExpiry>false</IgnoreClientCertificateExpiry><AdvertiseTrustStoreCaNames>on</AdvertiseTrustStoreCaNames></MutualAuthentication>
<AlpnPolicy><member>HTTP2Preferred</member></AlpnPolicy>
</member></Listeners></DescribeListenersResult><ResponseMetadata><RequestId>mtls-wire</RequestId></ResponseMetadata></DescribeListenersResponse>`;
}

/** DescribeTrustStores for that trust store. */
export function trustStoresResponse(estate: SeedEstate): string {
  return `<DescribeTrustStoresResponse xmlns="${NS}"><DescribeTrustStoresResult><TrustStores><member>
<Name>partners</Name><TrustStoreArn>${trustStoreArn(estate)}</TrustStoreArn><Status>ACTIVE</Status>
<NumberOfCaCertificates>2</NumberOfCaCertificates><TotalRevokedEntries>1</TotalRevokedEntries>
</member></TrustStores></DescribeTrustStoresResult><ResponseMetadata><RequestId>mtls-wire</RequestId></ResponseMetadata></DescribeTrustStoresResponse>`;
}
