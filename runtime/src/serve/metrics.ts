// Prometheus text exposition (version 0.0.4) for the serve daemon: counters, gauges, histograms.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

class Histogram {
  readonly counts = new Array<number>(LATENCY_BUCKETS.length).fill(0);
  sum = 0;
  count = 0;
  observe(seconds: number) {
    this.sum += seconds;
    this.count++;
    LATENCY_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.counts[i]!++;
    });
  }
  render(name: string, help: string): string[] {
    return [
      `# HELP ${name} ${help}`,
      `# TYPE ${name} histogram`,
      ...LATENCY_BUCKETS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ];
  }
}

export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly latency = new Histogram();
  private readonly inference = new Histogram();
  queueDepth = 0;
  inFlight = 0;

  request(route: string, status: number, seconds: number) {
    const key = `route="${route}",code="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.latency.observe(seconds);
  }

  inferenceTime(seconds: number) {
    this.inference.observe(seconds);
  }

  render(): string {
    return [
      '# HELP coreforge_requests_total HTTP requests by route and status code.',
      '# TYPE coreforge_requests_total counter',
      ...[...this.requests].sort().map(([k, v]) => `coreforge_requests_total{${k}} ${v}`),
      ...this.latency.render('coreforge_request_duration_seconds', 'Time from request start to response, in seconds.'),
      ...this.inference.render('coreforge_inference_duration_seconds', 'TFLite invoke time per classification, in seconds.'),
      '# HELP coreforge_queue_depth Requests waiting for a free interpreter.',
      '# TYPE coreforge_queue_depth gauge',
      `coreforge_queue_depth ${this.queueDepth}`,
      '# HELP coreforge_in_flight Classifications running now.',
      '# TYPE coreforge_in_flight gauge',
      `coreforge_in_flight ${this.inFlight}`,
      '',
    ].join('\n');
  }
}
