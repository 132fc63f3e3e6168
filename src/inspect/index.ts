/**
 * `vintent/inspect`: the inspector's model, without a server: decode a
 * presentation, verify it, and build the view the page draws (chain, cards,
 * constraints, bindings), for any vocabulary through its profile. The page's
 * assets live beside it (`ASSETS_DIR`); `vintent/http` serves them as routes.
 */

import { fileURLToPath } from 'node:url';

export { type ClaimNode, decodeSdJwt } from './claims.js';
export type {
  BindingView,
  CardView,
  ConstraintRow,
  InspectView,
  KeyRef,
  Lifetime,
  PlacedError,
  TrustSource,
} from './model.js';
export { buildInspectView } from './model.js';
export { deriveRoleView, type RoleView, VIEW_ROLES, type ViewRole } from './roles.js';
export {
  type InspectAnswer,
  type InspectorOptions,
  inspectBundle,
  inspectText,
} from './service.js';

/** The inspector page's files (HTML, CSS, JS): src/… under tsx, dist/… once built. */
export const ASSETS_DIR: string = fileURLToPath(new URL('./assets/', import.meta.url));
