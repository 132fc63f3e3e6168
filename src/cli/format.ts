/**
 * How the CLI shows values to people: money in major units with its currency
 * (`279.99 USD`, `¥2500`, `1.250 KWD`, converted with decimal.js, never a
 * float) and times as ISO 8601. JSON output keeps minor units and Unix seconds.
 */
import { fromMinorUnits } from '../issue/money.js';

/** Currencies conventionally written with a prefix symbol that names only them. */
const PREFIX_SYMBOL: Readonly<Record<string, string>> = { JPY: '¥' };

/**
 * Integer minor units as money for a person: `27999, USD` → `279.99 USD`,
 * `2500, JPY` → `¥2500`, `1250, KWD` → `1.250 KWD`. Never throws: a value
 * that is not a non-negative safe integer, or a malformed currency, is shown
 * as it came, marked as minor units.
 */
export function formatMoney(
  minor: number | bigint | null | undefined,
  currency: string | null | undefined,
): string {
  if (minor === null || minor === undefined) return '';
  const code = typeof currency === 'string' ? currency : '';
  try {
    const major = fromMinorUnits(minor, code);
    const symbol = Object.hasOwn(PREFIX_SYMBOL, code) ? PREFIX_SYMBOL[code] : undefined;
    return symbol ? `${symbol}${major}` : `${major} ${code}`;
  } catch {
    return `${String(minor)} ${code} (minor units)`.replace('  ', ' ');
  }
}

/** Unix seconds as ISO 8601 UTC (`2026-06-09T12:00:00Z`); anything else as it came. */
export function formatTime(unixSeconds: number | null | undefined): string {
  if (typeof unixSeconds !== 'number' || !Number.isFinite(unixSeconds)) return String(unixSeconds);
  const d = new Date(unixSeconds * 1000);
  return Number.isNaN(d.getTime()) ? String(unixSeconds) : d.toISOString().replace('.000Z', 'Z');
}

/**
 * A progress line on stderr, redrawn in place, only when stderr is a
 * terminal and there are more than `threshold` items: pipes and CI logs
 * stay clean.
 */
export function progressLine(
  total: number,
  threshold = 200,
  stream: NodeJS.WriteStream = process.stderr,
): { tick(done: number): void; end(): void } {
  if (!stream.isTTY || total <= threshold) return { tick() {}, end() {} };
  let last = 0;
  return {
    tick(done) {
      const now = Date.now();
      if (done !== total && now - last < 100) return;
      last = now;
      stream.write(`\rverifying ${done}/${total} (${Math.floor((100 * done) / total)}%)`);
    },
    end() {
      stream.write('\r\x1b[K');
    },
  };
}
