/**
 * Text from session data made safe to put in a page as it is: every character a person cannot see, and
 * every one the HTML parser would change, is written as its JSON escape (\u0000), the form the JSON views
 * beside it use. The server's HTML and the browser's render then hold the same characters, so React
 * hydrates without a mismatch (errors #418/#425): the HTML parser drops a NUL from text and turns one in
 * an attribute into U+FFFD, turns CR into LF, and writes a lone surrogate as U+FFFD, none of which the
 * browser's own render does. U+2028 and U+2029 are shown too: on screen they look like a space.
 *
 * Escaped: C0 controls, DEL, U+2028, U+2029 and lone surrogates. Any other text (every script, emoji) is
 * left as it is.
 */
const INVISIBLE = /[\u0000-\u001f\u007f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function showInvisibleCharacters(text: string): string {
  INVISIBLE.lastIndex = 0;
  if (!INVISIBLE.test(text)) return text;
  return text.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * The same for JSON text laid out on lines (JSON.stringify with an indent): JSON.stringify already escapes
 * every control character and lone surrogate inside strings, and its own line breaks must stay, so only
 * U+2028 and U+2029 (which it leaves raw) are written as \u2028 and \u2029, which is the same JSON.
 */
export function showInvisibleInJson(json: string): string {
  return json.includes("\u2028") || json.includes("\u2029") ? json.replace(/[\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`) : json;
}
