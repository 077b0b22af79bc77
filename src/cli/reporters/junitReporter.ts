import type { ValidationReport, ReportedFinding } from './findingReport';
import { pushTo } from '../../core/multimap';

export interface JunitOptions {
  /** Warnings fail too (as `validate --strict` exits 1 on them). */
  strict?: boolean;
}

/**
 * JUnit XML for CI dashboards: one test suite per file, one test case per finding (a file without
 * findings is one passing "valid" case). A case fails when its finding fails the run: errors, and
 * warnings under --strict; the others pass and carry their message as output. `tests` counts the
 * cases written and `failures` the failing ones, at every level.
 */
export function formatJunit(report: ValidationReport, options: JunitOptions = {}): string {
  const byFile = new Map<string, ReportedFinding[]>();
  for (const file of report.files) byFile.set(file, []);
  for (const f of report.findings) {
    pushTo(byFile, f.file, f);
  }
  const fails = (f: ReportedFinding) => f.severity === 'error' || (options.strict === true && f.severity === 'warning');

  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [file, list] of byFile) {
    const cases =
      list.length === 0
        ? [`    <testcase classname="${esc(file)}" name="valid"/>`]
        : list.map((f) => {
            const name = esc(`${f.code} at ${f.line}:${f.column}`);
            const cls = esc(f.resource ? `${f.resource.kind}/${f.resource.name}` : file);
            const text = esc(`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.code}]`);
            return fails(f)
              ? `    <testcase classname="${cls}" name="${name}">\n      <failure type="${f.severity}" message="${esc(f.message)}">${text}</failure>\n    </testcase>`
              : `    <testcase classname="${cls}" name="${name}"><system-out>${text}</system-out></testcase>`;
          });
    const failed = list.filter(fails).length;
    tests += cases.length;
    failures += failed;
    suites.push(`  <testsuite name="${esc(file)}" tests="${cases.length}" failures="${failed}">`, ...cases, '  </testsuite>');
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="kube-topology validate" tests="${tests}" failures="${failures}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function esc(s: string): string {
  return (
    s
      .replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string)
      // XML 1.0 cannot carry these control characters at all, not even escaped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}
