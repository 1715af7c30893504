/** Endpoint groups counted separately in {@link SimStats.byPath}. */
export type StatsPath = 'chat' | 'completions' | 'embeddings' | 'transcriptions' | 'models' | 'other';

export interface PathStats {
  requests: number;
  completed: number;
  errors: number;
  aborted: number;
}

/** Counters since start or the last reset, plus the scheduler's live gauges. */
export interface SimStats {
  /** `/v1/*` requests received. */
  requests: number;
  /** Requests answered with a 2xx status. */
  completed: number;
  /** Requests answered with a non-2xx status (injected or not). */
  errors: number;
  /** Requests whose client disconnected before the answer was complete. */
  aborted: number;
  /** Sequences (one per prompt and per `n` of a request) holding a generation slot now. */
  inFlight: number;
  /** Sequences waiting for a slot now. */
  queued: number;
  /** Highest `inFlight` seen. */
  maxInFlightSeen: number;
  /** Requests refused because their sequences did not fit in the queue. */
  rejected: number;
  /** Faults served: injected rules, random rates and `[[sim:error=…]]` directives. */
  errorsInjected: number;
  /** Prompt tokens of successfully answered requests. */
  promptTokens: number;
  /** Completion tokens of successfully answered requests. */
  completionTokens: number;
  byPath: Record<StatsPath, PathStats>;
}

export type Counters = Omit<SimStats, 'inFlight' | 'queued' | 'maxInFlightSeen'>;

const emptyPath = (): PathStats => ({ requests: 0, completed: 0, errors: 0, aborted: 0 });

export function emptyCounters(): Counters {
  return {
    requests: 0,
    completed: 0,
    errors: 0,
    aborted: 0,
    rejected: 0,
    errorsInjected: 0,
    promptTokens: 0,
    completionTokens: 0,
    byPath: {
      chat: emptyPath(),
      completions: emptyPath(),
      embeddings: emptyPath(),
      transcriptions: emptyPath(),
      models: emptyPath(),
      other: emptyPath(),
    },
  };
}

/** Outcome of one request, as seen when its response closes. */
export type Outcome = 'completed' | 'error' | 'aborted';

export class StatsRecorder {
  private counters = emptyCounters();

  reset(): void {
    this.counters = emptyCounters();
  }

  requestStarted(path: StatsPath): void {
    this.counters.requests++;
    this.counters.byPath[path].requests++;
  }

  requestEnded(path: StatsPath, outcome: Outcome): void {
    const byPath = this.counters.byPath[path];
    if (outcome === 'completed') {
      this.counters.completed++;
      byPath.completed++;
    } else if (outcome === 'error') {
      this.counters.errors++;
      byPath.errors++;
    } else {
      this.counters.aborted++;
      byPath.aborted++;
    }
  }

  tokens(prompt: number, completion: number): void {
    this.counters.promptTokens += prompt;
    this.counters.completionTokens += completion;
  }

  faultInjected(): void {
    this.counters.errorsInjected++;
  }

  queueRejected(): void {
    this.counters.rejected++;
  }

  /** A deep copy, so callers cannot mutate the live counters. */
  snapshot(gauges: Pick<SimStats, 'inFlight' | 'queued' | 'maxInFlightSeen'>): SimStats {
    const c = this.counters;
    const byPath = Object.fromEntries(
      Object.entries(c.byPath).map(([key, value]) => [key, { ...value }]),
    ) as Record<StatsPath, PathStats>;
    return { ...c, ...gauges, byPath };
  }
}
