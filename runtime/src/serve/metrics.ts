// Prometheus text exposition (format 0.0.4) for the serve daemon: requests by route and status, request latency
// and inference time histograms, queue depth, in-flight and worker gauges.

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

class Histogram {
  private readonly counts = new Array<number>(SECONDS_BUCKETS.length).fill(0);
  private sum = 0;
  private count = 0;

  observe(seconds: number) {
    this.sum += seconds;
    this.count++;
    for (let i = 0; i < SECONDS_BUCKETS.length; i++) if (seconds <= SECONDS_BUCKETS[i]!) this.counts[i]!++;
  }

  render(name: string, help: string): string[] {
    return [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} histogram`,
      ...SECONDS_BUCKETS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

/** The gauges, read when /metrics is scraped. */
export interface Gauges {
  readonly queueDepth: number;
  readonly inFlight: number;
  readonly workers: number;
}

export class Metrics {
  /** Counts keyed by route and status code; routes are a fixed set, so the label values need no escaping. */
  private readonly requests = new Map<string, number>();
  private readonly latency = new Histogram();
  private readonly inference = new Histogram();
  private readonly queueWait = new Histogram();

  request(route: string, status: number, seconds: number) {
    const key = `route="${route}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latency.observe(seconds);
  }

  classification(inferenceSeconds: number, queueSeconds: number) {
    this.inference.observe(inferenceSeconds);
    this.queueWait.observe(queueSeconds);
  }

  render(gauges: Gauges): string {
    const gauge = (name: string, help: string, value: number) => [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} gauge`,
      `${name} ${value}`,
    ];
    return [
      '# HELP coreforge_requests_total HTTP requests by route and status code.',
      '# TYPE coreforge_requests_total counter',
      ...[...this.requests].sort().map(([k, v]) => `coreforge_requests_total{${k}} ${v}`),
      ...this.latency.render(
        'coreforge_request_duration_seconds',
        'Time from request start to the answer, in seconds.',
      ),
      ...this.inference.render(
        'coreforge_inference_duration_seconds',
        'TFLite invoke time per classification, in seconds.',
      ),
      ...this.queueWait.render(
        'coreforge_queue_wait_seconds',
        'Time a classification waited for a free interpreter, in seconds.',
      ),
      ...gauge('coreforge_queue_depth', 'Requests waiting for a free interpreter.', gauges.queueDepth),
      ...gauge('coreforge_in_flight', 'Classifications running now.', gauges.inFlight),
      ...gauge('coreforge_workers', 'Interpreters loaded (0 while starting).', gauges.workers),
      '',
    ].join('\n');
  }
}
