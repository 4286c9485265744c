import { describe, expect, it } from "vitest";
import { importFileText } from "./importfile";

describe("importFileText", () => {
  const utf8 = (text: string) => new TextEncoder().encode(text);
  // "Jürgen" as Windows-1252 (German Excel's plain CSV): ü is one byte, 0xFC, never UTF-8 on its own.
  const ansi = new Uint8Array([...utf8("name;email\r\nJ"), 0xfc, ...utf8("rgen;j@example.org\r\n")]);
  const cases: [string, Uint8Array, string | RegExp][] = [
    ["UTF-8 text as it is", utf8("name\nŁukasz Langa\n"), "name\nŁukasz Langa\n"],
    ["a byte-order mark dropped", new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("name\nAna\n")]), "name\nAna\n"],
    ["Windows-1252 refused, not garbled", ansi, /not UTF-8 text.*CSV UTF-8/],
    ["an .xlsx workbook named as such", new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), /spreadsheet workbook \(\.xlsx or \.ods\)/],
    ["an empty file is empty text", new Uint8Array([]), ""],
  ];
  for (const [what, bytes, expected] of cases) {
    it(what, () => {
      const got = importFileText(bytes);
      if (typeof expected === "string") expect(got).toEqual({ text: expected });
      else expect("problem" in got ? got.problem : got.text).toMatch(expected);
    });
  }
});
