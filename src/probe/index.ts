/** The live TLS probe: what an endpoint really serves, read with hand-built hellos (and Node tls for TLS 1.3 chains). */
export { probeEndpoint, type ProbeOptions, type ProbeTarget } from './endpoint.ts';
export { planProbes, probeEstate, listenerSniNames, TLS_PORTS, type EstateOptions, type PlanOptions } from './plan.ts';
export { connectToAddress, parseConnectTo, resolveConnectTo, type ConnectToRule } from './connect-to.ts';
