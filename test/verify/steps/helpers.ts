import { generateSigningKey, type SigningKey } from '../../../src/sdjwt/keys.js';

export {
  autonomousBundle,
  buildAutonomous,
  buildImmediate,
  immediateBundle,
} from '../../fixtures/raw-chain.js';

let other: SigningKey | undefined;
export function generateOtherAgent(): SigningKey {
  return (other ??= generateSigningKey('agent-key-1'));
}
