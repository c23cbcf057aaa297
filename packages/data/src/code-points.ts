/**
 * Text is handled by Unicode code point, never by UTF-16 unit, so an emoji or
 * a rare CJK character is one token and is never cut in half by a split.
 */

/** The code points of `text`, each as a string: `codePoints("a😀") → ["a", "😀"]`. */
export function codePoints(text: string): string[] {
  return Array.from(text);
}

/** How many code points `text` holds. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** The UTF-16 index where code point number `n` starts (`text.length` when `n` is the count). */
export function codeUnitIndex(text: string, n: number): number {
  let index = 0;
  for (let k = 0; k < n && index < text.length; k++) {
    const unit = text.charCodeAt(index);
    const next = text.charCodeAt(index + 1);
    index += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return index;
}

/** A token shown for error messages: `"é" (U+00E9)`; control characters are escaped. */
export function describeToken(token: string): string {
  const units = Array.from(token);
  const codes = units.map(
    (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`,
  );
  return `${JSON.stringify(token)} (${codes.join(" ")})`;
}
