import type { ValidationReport, ReportedFinding } from './findingReport';

/** JUnit XML: one test suite per file, one failing test case per finding (errors and warnings), for CI dashboards. */
export function formatJunit(report: ValidationReport): string {
  const byFile = new Map<string, ReportedFinding[]>();
  for (const file of report.files) byFile.set(file, []);
  for (const f of report.findings) byFile.get(f.file)?.push(f) ?? byFile.set(f.file, [f]);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const failing = report.findings.filter((f) => f.severity !== 'info').length;
  out.push(`<testsuites name="kube-topology validate" tests="${Math.max(report.findings.length, report.files.length)}" failures="${failing}">`);
  for (const [file, list] of byFile) {
    const fails = list.filter((f) => f.severity !== 'info').length;
    out.push(`  <testsuite name="${esc(file)}" tests="${Math.max(list.length, 1)}" failures="${fails}">`);
    if (list.length === 0) out.push(`    <testcase classname="${esc(file)}" name="valid"/>`);
    for (const f of list) {
      const name = `${f.code} at ${f.line}:${f.column}`;
      const cls = f.resource ? `${f.resource.kind}/${f.resource.name}` : file;
      if (f.severity === 'info') {
        out.push(`    <testcase classname="${esc(cls)}" name="${esc(name)}"><system-out>${esc(f.message)}</system-out></testcase>`);
      } else {
        out.push(`    <testcase classname="${esc(cls)}" name="${esc(name)}">`);
        out.push(
          `      <failure type="${f.severity}" message="${esc(f.message)}">${esc(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.code}]`)}</failure>`,
        );
        out.push('    </testcase>');
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s
    .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
