// The boot test's report: JSON for machines, a JUnit XML file for CI, and lines for people.

/** One named check of a boot test, with its time (the snapd VM reports several). */
export interface StepResult {
  readonly name: string;
  readonly passed: boolean;
  readonly ms: number;
  readonly detail?: string;
  readonly failure?: string;
}

export interface BootReport {
  readonly kind: 'snap' | 'image' | 'snapd';
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
  readonly steps?: readonly StepResult[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function junitXml(r: BootReport, serial: string): string {
  if (r.steps) return junitStepsXml(r, r.steps, serial);
  const seconds = ((r.firstClassificationMs ?? r.serviceReadyMs ?? 0) / 1000).toFixed(3);
  const name = `${r.kind} boot ${r.arch}: classify expecting ${r.expected}`;
  const failure = r.failure
    ? `\n      <failure type="${esc(r.failure.code)}" message="${esc(r.failure.message)}"/>`
    : '';
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

/** One testcase per step (the snapd VM), so CI shows which check failed and how long each took. */
function junitStepsXml(r: BootReport, steps: readonly StepResult[], serial: string): string {
  const failures = steps.filter((s) => !s.passed).length + (r.passed || steps.some((s) => !s.passed) ? 0 : 1);
  const total = steps.reduce((a, s) => a + s.ms, 0) / 1000;
  const cases = steps.map((s) => {
    const body = s.passed
      ? s.detail
        ? `\n      <system-out>${esc(s.detail)}</system-out>\n    `
        : ''
      : `\n      <failure type="${esc(s.name)}" message="${esc((s.failure ?? '').split('\n')[0]!)}">${esc(s.failure ?? '')}</failure>\n    `;
    return `    <testcase classname="coreforge.${r.kind}" name="${esc(`${r.kind} ${r.arch}: ${s.name}`)}" time="${(s.ms / 1000).toFixed(3)}">${body}</testcase>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="${steps.length}" failures="${failures}">
  <testsuite name="coreforge test --${r.kind} ${esc(r.target)}" tests="${steps.length}" failures="${failures}" time="${total.toFixed(3)}">
${cases.join('\n')}
    <system-out>${esc(serial.slice(-20000))}</system-out>
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
    ...(r.steps ?? []).map(
      (s) =>
        `  ${s.passed ? 'ok  ' : 'FAIL'} ${s.name.padEnd(22)}${ms(s.ms).padStart(9)}  ${(s.passed ? (s.detail ?? '') : (s.failure ?? '')).split('\n')[0]}`,
    ),
    ...(r.failure ? [`  failure:                  ${r.failure.message}`] : []),
    `  serial log:               ${r.serialLog}`,
  ].join('\n');
}
