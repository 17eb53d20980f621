/** TLS alert names (RFC 8446 6, RFC 5246 7.2): the one table the probe, the TLS 1.3 engine and the vulnerability checks name alerts from. */
export const ALERT_NAMES: Readonly<Record<number, string>> = {
  0: 'close_notify', 10: 'unexpected_message', 20: 'bad_record_mac', 21: 'decryption_failed', 22: 'record_overflow',
  30: 'decompression_failure', 40: 'handshake_failure', 42: 'bad_certificate', 47: 'illegal_parameter', 50: 'decode_error',
  51: 'decrypt_error', 70: 'protocol_version', 71: 'insufficient_security', 80: 'internal_error', 86: 'inappropriate_fallback',
  90: 'user_canceled', 100: 'no_renegotiation', 109: 'missing_extension', 110: 'unsupported_extension', 112: 'unrecognized_name',
  120: 'no_application_protocol',
};

/**
 * Whether an alert record ends the handshake: a fatal alert, or close_notify. A TLS <= 1.2 warning (level 1)
 * does not (RFC 5246 7.2, RFC 6066 3): OpenSSL's s_server (and some Apache httpd versions) send a warning
 * unrecognized_name before the ServerHello when no name matches. TLS 1.3 treats every alert as fatal
 * (RFC 8446 6), so its reader does not ask.
 */
export const endsHandshake = (fragment: Buffer): boolean => fragment[0] !== 1 || fragment[1] === 0;
