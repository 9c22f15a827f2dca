// The boot test's report: JSON for machines, a JUnit XML file for CI, and lines for people.

export interface BootReport {
  readonly kind: 'snap' | 'image';
  readonly target: string;
  readonly arch: string;
  readonly passed: boolean;
  /** QEMU start to the guest starting the service (from the serial log). */
  readonly bootMs?: number;
  /** QEMU start to /healthz answering. */
  readonly serviceReadyMs?: number;
  /** Start of the test to the first label from the VM. */
  readonly firstClassificationMs?: number;
  readonly label?: string;
  readonly index?: number;
  readonly score?: number;
  readonly expected: string;
  readonly accel: string;
  readonly serialLog: string;
  readonly failure?: { readonly code: string; readonly message: string };
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(r: BootReport, serial: string): string {
  const seconds = ((r.firstClassificationMs ?? r.serviceReadyMs ?? 0) / 1000).toFixed(3);
  const name = `${r.kind} boot ${r.arch}: classify expecting ${r.expected}`;
  const failure = r.failure ? `\n      <failure type="${esc(r.failure.code)}" message="${esc(r.failure.message)}"/>` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" failures="${r.passed ? 0 : 1}">
  <testsuite name="coreforge test" tests="1" failures="${r.passed ? 0 : 1}" time="${seconds}">
    <testcase classname="coreforge.boot" name="${esc(name)}" time="${seconds}">${failure}
      <system-out>${esc(serial.slice(-20000))}</system-out>
    </testcase>
  </testsuite>
</testsuites>
`;
}

export function humanReport(r: BootReport): string {
  const ms = (v: number | undefined) => (v === undefined ? '-' : `${(v / 1000).toFixed(2)} s`);
  return [
    `${r.passed ? 'PASS' : 'FAIL'}: ${r.kind} boot test of ${r.target} (${r.arch}, ${r.accel})`,
    `  boot to service start:    ${ms(r.bootMs)}`,
    `  service ready:            ${ms(r.serviceReadyMs)}`,
    `  first classification:     ${ms(r.firstClassificationMs)}`,
    `  result:                   ${r.label === undefined ? '-' : `${r.score?.toFixed(6)}: ${r.index}:${r.label}`} (expected ${r.expected})`,
    ...(r.failure ? [`  failure:                  ${r.failure.message}`] : []),
    `  serial log:               ${r.serialLog}`,
  ].join('\n');
}
