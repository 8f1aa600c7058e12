// A JSON checker that explains itself. JSON.parse builds the value (fast, exact), but its error
// messages differ between V8, Firefox and Safari and often lack a position, and it silently keeps
// the last of two equal keys. This scanner walks the text once and reports the first problem with
// its offset, in words a support person can act on.

export interface SyntaxProblem {
  offset: number;
  message: string;
}

class Stop extends Error {
  constructor(readonly problem: SyntaxProblem) {
    super(problem.message);
  }
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;

/** Returns the first syntax problem in `text`, or null when JSON.parse will accept it as written. */
export function findSyntaxProblem(text: string, maxDepth: number): SyntaxProblem | null {
  let i = 0;
  const n = text.length;
  const stop = (message: string, offset = i): never => {
    throw new Stop({ offset, message });
  };
  const found = (at = i): string => {
    if (at >= n) return "the end of the text";
    const char = text[at];
    if (char === "\n" || char === "\r") return "a line break";
    return `'${char}'`;
  };
  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const run = (pattern: RegExp): string => {
    pattern.lastIndex = i;
    return pattern.exec(text)?.[0] ?? "";
  };
  const word = (): string => run(/[A-Za-z0-9_$+.-]*/y).slice(0, 40);

  const badValue = (): never => {
    const char = text[i];
    if (char === "'") stop(`text must be in double quotes ("), not single quotes`);
    if (char === "/") stop("comments are not allowed in JSON");
    const w = word();
    if (w === "True" || w === "False" || w === "Null" || w === "TRUE" || w === "FALSE" || w === "NULL") {
      stop(`found ${w}; write true, false and null in lowercase`);
    }
    if (w !== "") stop(`found ${w}; text values must be in double quotes, like "${w}"`);
    return stop(`expected a value (an object, array, text in double quotes, number, true, false or null) but found ${found()}`);
  };

  const readString = (decode: boolean): string => {
    const start = i;
    i++;
    let hasEscape = false;
    while (true) {
      if (i >= n) stop('this text is never closed; add the closing "', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c === 0x5c) {
        hasEscape = true;
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) stop("\\u must be followed by four hex digits, like \\u00e9");
          i += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
          i += 2;
        } else {
          stop(`"\\${next ?? ""}" is not a valid escape; to write a backslash, use \\\\`);
        }
        continue;
      }
      if (c < 0x20) {
        stop(c === 0x0a || c === 0x0d ? "a line break inside text must be written as \\n (or the closing \" is missing)" : "a control character inside text must be escaped (for example \\t for a tab)");
      }
      i++;
    }
    i++;
    const raw = text.slice(start, i);
    if (!decode) return "";
    return hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  };

  const readNumber = (): void => {
    const start = i;
    const token = run(/[-+.0-9A-Za-z]*/y);
    if (!NUMBER.test(token)) stop(`${token} is not a valid JSON number`, start);
    // Every valid number is kept exactly as written (exact-number.ts), 1e400 and 2^64+1 included: the
    // core stores number text verbatim, and a backend in Go or Java may rely on every digit.
    i += token.length;
  };

  const readLiteral = (): void => {
    const w = word();
    if (w === "true" || w === "false" || w === "null") i += w.length;
    else badValue();
  };

  const unexpectedAfterValue = (closer: string): never => {
    if (text[i] === "/") stop("comments are not allowed in JSON");
    return stop(`expected ',' or ${closer} after a value but found ${found()}`);
  };

  const readValue = (depth: number): void => {
    skipSpace();
    if (i >= n) stop("the text ends where a value was expected");
    const char = text[i];
    if (char === "{") readObject(depth + 1);
    else if (char === "[") readArray(depth + 1);
    else if (char === '"') readString(false);
    else if (char === "-" || (char >= "0" && char <= "9") || char === "+" || char === ".") readNumber();
    else if (char === "t" || char === "f" || char === "n") readLiteral();
    else badValue();
  };

  const checkDepth = (depth: number): void => {
    if (depth > maxDepth) stop(`the data is nested more than ${maxDepth} levels deep`);
  };

  const readObject = (depth: number): void => {
    checkDepth(depth);
    const open = i;
    i++;
    const keys = new Set<string>();
    skipSpace();
    if (text[i] === "}") return void i++;
    let comma = -1;
    while (true) {
      skipSpace();
      if (text[i] !== '"') {
        if (i >= n) stop(`the object opened at ${describeOffset(text, open)} is never closed; add '}'`);
        if (text[i] === "}" && comma >= 0) stop("remove the comma before '}' (JSON does not allow a trailing comma)", comma);
        if (text[i] === "'") stop(`names must be in double quotes ("), not single quotes`);
        if (text[i] === "/") stop("comments are not allowed in JSON");
        const w = word();
        if (w !== "") stop(`names must be in double quotes, like "${w}"`);
        stop(`expected a name in double quotes but found ${found()}`);
      }
      const keyStart = i;
      const key = readString(true);
      if (keys.has(key)) {
        stop(`the name ${JSON.stringify(key)} appears twice in the same object; JSON keeps only one of them, so remove or rename the other`, keyStart);
      }
      keys.add(key);
      skipSpace();
      if (text[i] !== ":") stop(`expected ':' after the name ${JSON.stringify(key)} but found ${found()}`);
      i++;
      readValue(depth);
      skipSpace();
      if (text[i] === ",") {
        comma = i++;
        continue;
      }
      if (text[i] === "}") return void i++;
      if (i >= n) stop(`the object opened at ${describeOffset(text, open)} is never closed; add '}'`);
      unexpectedAfterValue("'}'");
    }
  };

  const readArray = (depth: number): void => {
    checkDepth(depth);
    const open = i;
    i++;
    skipSpace();
    if (text[i] === "]") return void i++;
    while (true) {
      skipSpace();
      if (text[i] === "]") stop("remove the comma before ']' (JSON does not allow a trailing comma)", text.lastIndexOf(",", i));
      readValue(depth);
      skipSpace();
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "]") return void i++;
      if (i >= n) stop(`the array opened at ${describeOffset(text, open)} is never closed; add ']'`);
      unexpectedAfterValue("']'");
    }
  };

  try {
    skipSpace();
    readValue(0);
    skipSpace();
    if (text[i] === "/") stop("comments are not allowed in JSON");
    if (i < n) stop(`unexpected ${found()} after the end of the data; there must be exactly one JSON value`);
    return null;
  } catch (error) {
    if (error instanceof Stop) return error.problem;
    throw error;
  }
}

/** 1-based line and column of a character offset (columns count UTF-16 units, as editors do). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function describeOffset(text: string, offset: number): string {
  const { line, column } = lineAndColumn(text, offset);
  return `line ${line}, column ${column}`;
}
