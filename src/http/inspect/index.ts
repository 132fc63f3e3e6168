/**
 * The inspector: a local web page that draws a VI presentation's chain with the
 * verdict. Routes for any server on src/http/router.ts, a standalone loopback
 * server for `vintent inspect`, and the view model behind the page.
 */
export { inspectorRoutes, ASSETS_DIR } from './routes.js';
export { startInspector, type StandaloneInspector } from './standalone.js';
export { inspectBundle, type InspectorOptions } from './service.js';
export { buildInspectView } from './model.js';
export type { InspectView, CardView, BindingView, ConstraintRow, PlacedError, TrustSource, Lifetime, KeyRef } from './model.js';
export { deriveRoleView, VIEW_ROLES, type ViewRole, type RoleView } from './roles.js';
export { decodeSdJwt, type ClaimNode } from './claims.js';
