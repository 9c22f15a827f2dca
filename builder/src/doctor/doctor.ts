// `coreforge doctor`: probes every host tool and says what the configured pipeline can and cannot do.
import { access } from 'node:fs/promises';
import type { Arch } from '../config/types.js';
import type { Run } from '../tools/run.js';
import { capabilities, requiredNeeds, TOOL_CHECKS, type DoctorProject, type Need, type ToolCheck } from './checks.js';

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

/** One thing the user may want to do here: whether it can run, and why not. */
export interface DoctorCapability {
  readonly name: string;
  readonly ok: boolean;
  /** Part of "ready". */
  readonly required: boolean;
  readonly reason: string | null;
}

export interface DoctorReport {
  /** Whether the configured project's pipeline (pack, sign, delta, snap boot test for its target) can run here. */
  readonly ok: boolean;
  readonly arch: Arch | null;
  readonly coral: boolean;
  readonly entries: readonly DoctorEntry[];
  readonly capabilities: readonly DoctorCapability[];
}

export interface KvmStatus {
  readonly usable: boolean;
  readonly detail: string;
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
  /** The project file's answer to "does it use a Coral" (a Coral project cannot be packed offline). */
  readonly coral?: boolean;
  readonly nodeVersion?: string;
  /** The TFLite library the runtime would load. */
  readonly tflite: () => Promise<TfliteProbe>;
  /** The boot tests' KVM probe (@coreforge/vm probeKvm with their kernel), see doctor/kvm-status.ts. */
  readonly kvm: () => Promise<KvmStatus>;
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
    for (const file of check.probe.files)
      if (await exists(file)) return { ...base, found: true, version: null, hint: null, detail: file };
    return { ...base, found: false, version: null, detail: `none of ${check.probe.files.join(', ')}` };
  }
  const probe = check.probe;
  try {
    let result = await options.run(probe.command, probe.args, { timeout: 10_000, reject: false });
    if (check.versionCommand)
      result = await options
        .run(check.versionCommand.command, check.versionCommand.args, { timeout: 10_000, reject: false })
        .catch(() => result);
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
  const project: DoctorProject | undefined =
    options.arch || options.coral ? { arch: options.arch ?? 'amd64', coral: options.coral ?? false } : undefined;
  const needed = new Set(requiredNeeds(project));
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
    hint: tflite.found
      ? null
      : 'set COREFORGE_TFLITE_DIR to the TFLite 2.19 builds (README "Which TFLite"); npm ci installs tfjs-tflite-node (TFLite 2.9); or set COREFORGE_TFLITE_LIB=/path/to/libtensorflowlite_c.so',
    ...((tflite.detail ?? tflite.path) ? { detail: tflite.detail ?? tflite.path } : {}),
  });
  const kvm = await options.kvm();
  entries.push({
    name: 'kvm',
    found: kvm.usable,
    version: null,
    required: false,
    neededFor: ['test-amd64', 'image-boot'],
    hint: kvm.usable ? null : 'optional: boot tests use TCG emulation (slower)',
    detail: kvm.detail,
  });
  const caps: DoctorCapability[] = capabilities(project).map((c) => {
    const missing = entries
      .filter((e) => !e.found && e.name !== 'kvm' && e.neededFor.some((n) => c.needs.includes(n)))
      .map((e) => e.name);
    const reason = c.refused ?? (missing.length > 0 ? `missing ${missing.join(', ')}` : null);
    return { name: c.name, ok: reason === null, required: c.required, reason };
  });
  caps.push({
    name: 'KVM acceleration for the boot tests',
    ok: kvm.usable,
    required: false,
    reason: kvm.usable ? null : kvm.detail,
  });
  const ok = entries.every((e) => e.found || !e.required) && caps.every((c) => c.ok || !c.required);
  return { ok, arch: options.arch ?? null, coral: options.coral ?? false, entries, capabilities: caps };
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
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const missing = report.entries.filter((e) => !e.found && e.required).length;
  const caps = report.capabilities.map((c) => `  ${c.ok ? 'yes' : 'no '}  ${c.name}${c.reason ? `: ${c.reason}` : ''}`);
  const blocked = report.capabilities.filter((c) => c.required && !c.ok).map((c) => c.name);
  const verdict = report.ok
    ? `ready: the ${report.arch ?? 'amd64'}${report.coral ? ' Coral' : ''} project's steps marked yes above can run here`
    : `not ready: ${[missing > 0 && `${missing} required tool(s) missing`, blocked.length > 0 && `cannot ${blocked.join('; ')}`].filter(Boolean).join('; ')}`;
  return [line(header), ...rows.map(line), '', 'what this host can do for the project:', ...caps, '', verdict].join(
    '\n',
  );
}
