// Types for the build script's exports that tests use to check the rating convention.
export interface SuiteParts { kx: string; auth: string; enc: string; mac: string; tls13: boolean }
export function parseIanaName(name: string): SuiteParts;
export function rateSuite(name: string, parts: SuiteParts): { strength: 'insecure' | 'weak' | 'secure' | 'recommended'; reasons: string[] };
export function buildTlsCatalogue(ref: unknown, supplementCsv: string, write: (file: string, text: string) => void): unknown;
