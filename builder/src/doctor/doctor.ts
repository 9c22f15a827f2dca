// `coreforge doctor`: probes every host tool and says what the configured pipeline can and cannot do.
import { access } from 'node:fs/promises';
import type { Arch } from '../config/types.js';
import type { Run } from '../tools/run.js';
import { requiredNeeds, TOOL_CHECKS, type Need, type ToolCheck } from './checks.js';
import { probeKvm } from './kvm.js';

export interface DoctorEntry {
  readonly name: string;
  readonly found: boolean;
  readonly version: string | null;
  /** true: the configured pipeline cannot run without it; false: a warning only. */
  readonly required: boolean;
  readonly neededFor: readonly Need[];
  readonly hint: string | null;
  readonly detail?: string;
}

export interface DoctorReport {
  /** Whether the configured pipeline (offline pack, sign, delta, smoke boot test for the target) can run here. */
  readonly ok: boolean;
  readonly arch: Arch | null;
  readonly entries: readonly DoctorEntry[];
}

export interface TfliteProbe {
  readonly found: boolean;
  readonly path?: string;
  readonly version?: string;
  readonly detail?: string;
}

export interface DoctorOptions {
  readonly run: Run;
  readonly arch?: Arch;
  readonly nodeVersion?: string;
  /** The TFLite library the runtime would load. */
  readonly tflite: () => Promise<TfliteProbe>;
  readonly kvm?: (run: Run) => Promise<{ usable: boolean; detail: string }>;
  readonly exists?: (file: string) => Promise<boolean>;
}

const MIN_NODE = [20, 17] as const;

async function defaultExists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function checkTool(check: ToolCheck, options: DoctorOptions, required: boolean): Promise<DoctorEntry> {
  const base = { name: check.name, required, neededFor: check.neededFor, hint: check.hint };
  if ('files' in check.probe) {
    const exists = options.exists ?? defaultExists;
    for (const file of check.probe.files) if (await exists(file)) return { ...base, found: true, version: null, hint: null, detail: file };
    return { ...base, found: false, version: null, detail: `none of ${check.probe.files.join(', ')}` };
  }
  const probe = check.probe;
  try {
    let result = await options.run(probe.command, probe.args, { timeout: 10_000, reject: false });
    if (check.versionCommand) result = await options.run(check.versionCommand.command, check.versionCommand.args, { timeout: 10_000, reject: false }).catch(() => result);
    const text = probe.versionFrom === 'stderr' ? result.stderr : `${result.stdout}\n${result.stderr}`;
    const version = check.version?.exec(text)?.[1] ?? null;
    return { ...base, found: true, version, hint: null, ...(check.note && { detail: check.note }) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'TOOL_NOT_FOUND') return { ...base, found: false, version: null };
    return { ...base, found: false, version: null, detail: (error as Error).message.split('\n')[0] };
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const needed = new Set(requiredNeeds(options.arch));
  const isRequired = (needs: readonly Need[]) => needs.some((n) => needed.has(n));
  const nodeVersion = options.nodeVersion ?? process.versions.node;
  const [major = 0, minor = 0] = nodeVersion.split('.').map(Number);
  const nodeOk = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  const entries: DoctorEntry[] = [
    {
      name: 'node',
      found: nodeOk,
      version: nodeVersion,
      required: true,
      neededFor: ['runtime'],
      hint: nodeOk ? null : `install Node.js ${MIN_NODE.join('.')} or newer`,
      ...(nodeOk ? {} : { detail: `Node ${nodeVersion} is older than ${MIN_NODE.join('.')}` }),
    },
  ];
  const tools = await Promise.all(TOOL_CHECKS.map((check) => checkTool(check, options, isRequired(check.neededFor))));
  entries.push(...tools);
  const tflite = await options.tflite();
  entries.push({
    name: 'libtensorflowlite_c',
    found: tflite.found,
    version: tflite.version ?? null,
    required: true,
    neededFor: ['runtime'],
    hint: tflite.found ? null : 'npm ci (installs tfjs-tflite-node, which ships TFLite 2.9 for linux x64/arm64), or set COREFORGE_TFLITE_LIB=/path/to/libtensorflowlite_c.so',
    ...((tflite.path ?? tflite.detail) ? { detail: tflite.path ?? tflite.detail } : {}),
  });
  const kvm = await (options.kvm ?? ((run) => probeKvm(run)))(options.run);
  entries.push({
    name: 'kvm',
    found: kvm.usable,
    version: null,
    required: false,
    neededFor: ['test-amd64', 'image-boot'],
    hint: kvm.usable ? null : 'optional: boot tests fall back to TCG emulation',
    detail: kvm.detail,
  });
  return { ok: entries.every((e) => e.found || !e.required), arch: options.arch ?? null, entries };
}

export function renderDoctorTable(report: DoctorReport): string {
  const rows = report.entries.map((e) => [
    e.name,
    e.found ? 'ok' : e.required ? 'MISSING' : 'warning',
    e.version ?? (e.found ? '' : '-'),
    e.neededFor.join(', '),
    e.found ? (e.detail ?? '') : [e.detail, e.hint && `install: ${e.hint}`].filter(Boolean).join('; '),
  ]);
  const header = ['tool', 'status', 'version', 'needed for', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const missing = report.entries.filter((e) => !e.found && e.required).length;
  const warnings = report.entries.filter((e) => !e.found && !e.required).length;
  const verdict = report.ok
    ? `ready: the ${report.arch ?? 'amd64'} offline pipeline (pack, sign, gadget, delta, snap boot test) can run here${warnings ? `; ${warnings} optional tool(s) missing` : ''}`
    : `not ready: ${missing} required tool(s) missing`;
  return [line(header), ...rows.map(line), '', verdict].join('\n');
}
