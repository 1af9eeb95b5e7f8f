/**
 * Detection of primary account numbers (card numbers). The service never accepts or logs
 * them: a 13 to 19 digit run, optionally grouped by single spaces or dashes, that passes
 * the Luhn check.
 */
const CANDIDATE = /\d(?:[ -]?\d){12,18}/g;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function isCardNumber(candidate: string): boolean {
  const digits = candidate.replace(/[ -]/g, '');
  return digits.length >= 13 && digits.length <= 19 && passesLuhn(digits);
}

/** True when the text holds something that looks like a card number. */
export function containsCardNumber(text: string): boolean {
  for (const match of text.matchAll(CANDIDATE)) {
    if (isCardNumber(match[0])) return true;
  }
  return false;
}

/** Replaces every card-number-like run in the text. */
export function maskCardNumbers(text: string, replacement = '[REDACTED_PAN]'): string {
  return text.replace(CANDIDATE, (match) => (isCardNumber(match) ? replacement : match));
}
