/**
 * The exact value of a JSON number's text, for the schema keywords that compare numbers (minimum,
 * maximum, exclusiveMinimum, exclusiveMaximum, multipleOf) and for `type: "integer"`.
 *
 * JSON Schema judges the mathematical value the text denotes, not a double: 9007199254740993 is greater
 * than 9007199254740992, 1.0 is an integer, 1e-400 is not zero. Session data keeps such numbers as their
 * text (app/json/exact-number.ts), so this module reads that text as sign × digits × 10^exponent with a
 * BigInt for the digits, and compares without ever building a number as large as the exponent says:
 * "1e999999999" costs as little as "1". Hand-written because no decimal library is installed and the
 * three operations needed are short (docs/decisions/session-data-schema.md).
 */

export interface ExactDecimal {
  /** -1, 0 or 1. */
  sign: -1 | 0 | 1;
  /** The significant digits without leading or trailing zeros (0n for zero). */
  digits: bigint;
  /** How many decimal digits `digits` has (0 for zero). */
  length: number;
  /** value = sign × digits × 10^exponent. Clamped to ±1e15, far past any difference that matters. */
  exponent: number;
}

const NUMBER_TEXT = /^(-)?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;
const EXPONENT_LIMIT = 1e15;

export const ZERO: ExactDecimal = Object.freeze({ sign: 0, digits: 0n, length: 0, exponent: 0 });

/** The exact value of a JSON number's text (or of a double, written as JavaScript writes it). */
export function parseExactDecimal(input: string | number): ExactDecimal {
  const text = typeof input === "number" ? numberToText(input) : input;
  const match = NUMBER_TEXT.exec(text);
  if (!match) throw new SyntaxError(`Not a JSON number: ${text.slice(0, 40)}`);
  const [, minus, whole, fraction = "", exponentText] = match;
  let mantissa = (whole! + fraction).replace(/^0+/, "");
  if (mantissa === "") return ZERO;
  let exponent = (exponentText === undefined ? 0 : Number(exponentText)) - fraction.length;
  const trailing = /0+$/.exec(mantissa);
  if (trailing) {
    mantissa = mantissa.slice(0, trailing.index);
    exponent += trailing[0].length;
  }
  if (!Number.isFinite(exponent) || Math.abs(exponent) > EXPONENT_LIMIT) exponent = Math.sign(exponent) * EXPONENT_LIMIT;
  return { sign: minus ? -1 : 1, digits: BigInt(mantissa), length: mantissa.length, exponent };
}

/** A double's text as JSON would write it ("1e+21" is read the same as "1e21"). */
function numberToText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`${value} is not a JSON number`);
  return String(value).replace("e+", "e");
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareExact(a: ExactDecimal, b: ExactDecimal): -1 | 0 | 1 {
  if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
  if (a.sign === 0) return 0;
  const magnitude = compareMagnitude(a, b);
  return (a.sign === 1 ? magnitude : -magnitude) as -1 | 0 | 1;
}

function compareMagnitude(a: ExactDecimal, b: ExactDecimal): -1 | 0 | 1 {
  // The place of the leading digit decides, unless it is the same; then the exponents differ by at most
  // the digit counts, so scaling to a common exponent stays as small as the texts.
  const leadA = a.length + a.exponent;
  const leadB = b.length + b.exponent;
  if (leadA !== leadB) return leadA < leadB ? -1 : 1;
  const common = Math.min(a.exponent, b.exponent);
  const scaledA = a.digits * 10n ** BigInt(a.exponent - common);
  const scaledB = b.digits * 10n ** BigInt(b.exponent - common);
  return scaledA === scaledB ? 0 : scaledA < scaledB ? -1 : 1;
}

/** True when the value has no fractional part (JSON Schema: 1.0 and 1e2 are integers, 1e-400 is not). */
export function isExactInteger(value: ExactDecimal): boolean {
  return value.sign === 0 || value.exponent >= 0;
}

/** True when value ÷ divisor is an integer. `divisor` must be above zero (the meta-schema requires it). */
export function isExactMultipleOf(value: ExactDecimal, divisor: ExactDecimal): boolean {
  if (divisor.sign !== 1) throw new RangeError("multipleOf must be greater than 0");
  if (value.sign === 0) return true;
  // value = A × 10^a, divisor = D × 10^d, with A and D not ending in 0. When a < d, A × 10^(a-d) would
  // need A divisible by 10^(d-a), which a number not ending in 0 never is.
  if (value.exponent < divisor.exponent) return false;
  return (value.digits % divisor.digits) * powMod(10n, value.exponent - divisor.exponent, divisor.digits) % divisor.digits === 0n;
}

/** base^exponent mod modulus, by squaring (the exponent may be up to 1e15). */
function powMod(base: bigint, exponent: number, modulus: bigint): bigint {
  if (modulus === 1n) return 0n;
  let result = 1n;
  let square = base % modulus;
  let rest = BigInt(exponent);
  while (rest > 0n) {
    if (rest & 1n) result = (result * square) % modulus;
    square = (square * square) % modulus;
    rest >>= 1n;
  }
  return result;
}
