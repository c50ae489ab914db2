import * as fs from 'node:fs';
import * as path from 'node:path';
import { reportHtml, type ReportOptions, type ReportSection } from './reportHtml';

export interface WrittenReport {
  path: string;
  bytes: number;
  figures: number;
  tables: number;
}

/**
 * Writes the report (see reportHtml) to `file` atomically: a temporary file in the same folder,
 * then a rename, so a reader never sees half a report and a failed run leaves the old one.
 * Creates the folder if needed.
 */
export function writeReport(file: string, sections: ReportSection[], options: ReportOptions = {}): WrittenReport {
  const html = reportHtml(sections, options);
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, html, 'utf8');
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return {
    path: target,
    bytes: Buffer.byteLength(html, 'utf8'),
    figures: sections.reduce((n, s) => n + (s.figures?.length ?? 0), 0),
    tables: sections.reduce((n, s) => n + (s.tables?.length ?? 0), 0),
  };
}
