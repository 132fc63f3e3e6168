/**
 * `vintent/http`: the merchant and network HTTP service, its parts for
 * embedding (the network decision, the JWKS client, the inspector's routes
 * for `extraRoutes`), and the server's limits.
 *
 * @packageDocumentation
 */

export type { InspectorOptions } from '../inspect/service.js';
export type { AuthorizeAnswer, DecisionError, NetworkTrust } from '../network/authorize.js';
export { authorizePresentation } from '../network/authorize.js';
export { inspectorRoutes } from './inspect-routes.js';
export { type StandaloneInspector, startInspector } from './inspect-server.js';
export type { RemoteJwksOptions } from './jwks-client.js';
export { remoteJwksResolver } from './jwks-client.js';
export type { MetricsSource, ServiceMetrics } from './metrics.js';
export { createServiceMetrics } from './metrics.js';
export type { Handler, Route } from './router.js';
export type { ServerLimits, VintentServer, VintentServerConfig } from './server.js';
export { createVintentServer, DEFAULT_LIMITS as DEFAULT_SERVER_LIMITS } from './server.js';
export type { StatusListResolverOptions } from './status-client.js';
export { statusListResolver } from './status-client.js';
