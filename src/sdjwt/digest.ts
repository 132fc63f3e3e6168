/** B64U(SHA-256(UTF-8(s))): the digest VI uses for disclosures, sd_hash and checkout_hash (from the crypto seam). */
export { sha256b64u } from './platform.js';
