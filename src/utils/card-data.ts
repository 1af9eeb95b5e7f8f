/**
 * Detection of primary account numbers (card numbers). The service never accepts or logs
 * them: 13 to 19 digits, optionally grouped by spaces or dashes, that pass the Luhn check.
 *
 * A run of digit groups is read group by group: every stretch of whole consecutive groups
 * holding 13 to 19 digits is a candidate. So a card number next to other digits ("order 12
 * 4242 4242 4242 4242", "4242424242424242 7") is still found, while one unbroken run of more
 * than 19 digits (a long reference) is not taken for a card.
 */
const DIGIT_GROUPS = /\d+(?:[ -]{1,2}\d+)*/g;
const GROUP = /\d+/g;

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

interface Span {
  start: number;
  end: number;
}

/** Spans (offsets into the text) of the card-number-like stretches of one run of groups. */
function cardSpansIn(run: string, offset: number): Span[] {
  const groups = [...run.matchAll(GROUP)].map((m) => ({ at: m.index, digits: m[0] }));
  const spans: Span[] = [];
  for (let first = 0; first < groups.length; first += 1) {
    let digits = '';
    for (let last = first; last < groups.length && digits.length < 19; last += 1) {
      digits += groups[last]!.digits;
      if (digits.length >= 13 && digits.length <= 19 && passesLuhn(digits)) {
        const end = groups[last]!.at + groups[last]!.digits.length;
        spans.push({ start: offset + groups[first]!.at, end: offset + end });
      }
    }
  }
  return spans;
}

function cardSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(DIGIT_GROUPS))
    spans.push(...cardSpansIn(match[0], match.index));
  return spans;
}

/** True when the text holds something that looks like a card number. */
export function containsCardNumber(text: string): boolean {
  return cardSpans(text).length > 0;
}

/** Replaces every card-number-like stretch in the text (overlapping ones as one). */
export function maskCardNumbers(text: string, replacement = '[REDACTED_PAN]'): string {
  const spans = cardSpans(text).sort((a, b) => a.start - b.start);
  let out = '';
  let cursor = 0;
  for (const span of spans) {
    if (span.end <= cursor) continue;
    out += text.slice(cursor, Math.max(cursor, span.start)) + replacement;
    cursor = span.end;
  }
  return out + text.slice(cursor);
}
