/** Reading a file chosen for import, as the command line reads it: UTF-8 text, or a refusal in words. Pure. */

/** The text of an export, or why it cannot be imported. */
export type FileText = { text: string } | { problem: string };

export function importFileText(bytes: Uint8Array): FileText {
  // An .xlsx or .ods workbook (pretix's default export is .xlsx) is a zip file.
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    return { problem: "This file is a spreadsheet workbook (.xlsx or .ods), not CSV: export it again as CSV (UTF-8) and choose that file." };
  }
  try {
    // Not `file.text()`: it replaces what is not UTF-8 with “�”, and the names came in garbled on every device.
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return {
      problem:
        "This file is not UTF-8 text (Excel’s plain “CSV” saves in another encoding, which would garble names with accents): export it again as “CSV UTF-8” and choose that file.",
    };
  }
}
