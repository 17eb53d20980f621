/**
 * Imported first by the CLI: the AWS SDK warns on every Node 20 run that its future versions will need
 * Node 22. This package bundles its SDK and supports Node 20 (engines), so the warning tells a user nothing
 * they can act on; the SDK's documented switch turns it off unless the user has set it themselves
 * (node_modules/@aws-sdk/core/dist-es/submodules/client/emitWarningIfUnsupportedVersion.js).
 */
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
