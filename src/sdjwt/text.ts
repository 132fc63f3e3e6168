/** UTF-8 on every runtime (Buffer on Node, TextEncoder and TextDecoder elsewhere: the crypto seam). */
export { utf8ByteLength, utf8Decode } from './platform.js';
