/**
 * Counters and latency histograms in Prometheus's text format, kept by hand: a few maps are all
 * the server needs, and no metrics library would be lighter on the hot path.
 */

/** Latency bucket bounds in seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

class Histogram {
  readonly counts = new Array<number>(BUCKETS.length).fill(0);
  count = 0;
  sum = 0;
  observe(seconds: number): void {
    this.count++;
    this.sum += seconds;
    const i = BUCKETS.findIndex((b) => seconds <= b);
    if (i >= 0) this.counts[i]++;
  }
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export class Metrics {
  stepsTotal = 0;
  resetsTotal = 0;
  episodesTotal = 0;
  rewardSamplesTotal = 0;
  evictionsTotal = 0;
  replaysSavedTotal = 0;
  replaySaveFailuresTotal = 0;
  private readonly requests = new Map<string, number>();
  private readonly latency = new Map<string, Histogram>();

  /** Records one finished request; `route` is the route pattern, never the raw URL (bounded). */
  request(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const lk = `${method} ${route}`;
    let h = this.latency.get(lk);
    if (!h) this.latency.set(lk, (h = new Histogram()));
    h.observe(seconds);
  }

  render(gauges: { instances: number; maxInstances: number }): string {
    const out: string[] = [];
    const counter = (name: string, help: string, value: number) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
    out.push('# HELP envserver_instances Live environment instances.', '# TYPE envserver_instances gauge', `envserver_instances ${gauges.instances}`);
    out.push('# HELP envserver_instances_max Instance limit.', '# TYPE envserver_instances_max gauge', `envserver_instances_max ${gauges.maxInstances}`);
    counter('envserver_steps_total', 'Env steps taken (turns).', this.stepsTotal);
    counter('envserver_resets_total', 'Env resets.', this.resetsTotal);
    counter('envserver_episodes_total', 'Episodes that ended.', this.episodesTotal);
    counter('envserver_reward_samples_total', 'Samples graded by /v1/reward.', this.rewardSamplesTotal);
    counter('envserver_evictions_total', 'Instances closed for idleness.', this.evictionsTotal);
    counter('envserver_replays_saved_total', 'Replays written to the replay directory.', this.replaysSavedTotal);
    counter('envserver_replay_save_failures_total', 'Replays that could not be written.', this.replaySaveFailuresTotal);
    out.push('# HELP envserver_requests_total HTTP requests by route and status.', '# TYPE envserver_requests_total counter');
    for (const [key, n] of this.requests) {
      const [method, route, status] = key.split(' ');
      out.push(`envserver_requests_total{method="${method}",route="${label(route)}",status="${status}"} ${n}`);
    }
    out.push('# HELP envserver_request_seconds Request latency by route.', '# TYPE envserver_request_seconds histogram');
    for (const [key, h] of this.latency) {
      const [method, route] = key.split(' ');
      const l = `method="${method}",route="${label(route)}"`;
      let cumulative = 0;
      BUCKETS.forEach((b, i) => {
        cumulative += h.counts[i];
        out.push(`envserver_request_seconds_bucket{${l},le="${b}"} ${cumulative}`);
      });
      out.push(`envserver_request_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      out.push(`envserver_request_seconds_sum{${l}} ${h.sum}`, `envserver_request_seconds_count{${l}} ${h.count}`);
    }
    return `${out.join('\n')}\n`;
  }
}
