/**
 * The inspector: a local web page that draws a VI presentation's chain with the
 * verdict. Routes for any server on src/http/router.ts, a standalone loopback
 * server for `vintent inspect`, and the view model behind the page.
 */

export { type ClaimNode, decodeSdJwt } from './claims.js';
export type { BindingView, CardView, ConstraintRow, InspectView, KeyRef, Lifetime, PlacedError, TrustSource } from './model.js';
export { buildInspectView } from './model.js';
export { deriveRoleView, type RoleView, VIEW_ROLES, type ViewRole } from './roles.js';
export { ASSETS_DIR, inspectorRoutes } from './routes.js';
export { type InspectorOptions, inspectBundle } from './service.js';
export { type StandaloneInspector, startInspector } from './standalone.js';
