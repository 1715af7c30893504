/**
 * A one-line progress bar on stderr, redrawn in place on a terminal; plain lines (one per new
 * label) otherwise, so that CI logs stay readable.
 */

export interface ProgressSink {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export class Progress {
  private done = 0;
  private fraction = 0;
  private label = '';
  private lastLabel = '';
  private lastDraw = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly total: number,
    private readonly sink: ProgressSink = process.stderr,
  ) {}

  /** Sets the share (0..1) of the current benchmark that is done, and what it is doing. */
  update(fraction: number, label: string): void {
    this.fraction = Math.min(1, Math.max(0, fraction));
    this.label = label;
    this.draw(false);
  }

  /** The current benchmark is finished. */
  next(): void {
    this.done = Math.min(this.total, this.done + 1);
    this.fraction = 0;
  }

  /** A line of its own (a warning, a result), without breaking the bar. */
  log(line: string): void {
    if (this.sink.isTTY) this.sink.write('\r\x1b[2K');
    this.sink.write(line + '\n');
    this.draw(true);
  }

  finish(): void {
    if (this.sink.isTTY) this.sink.write('\r\x1b[2K');
  }

  /** The bar line as drawn (without control characters), for tests. */
  render(width = 30): string {
    const share = this.total === 0 ? 1 : (this.done + this.fraction) / this.total;
    const filled = Math.round(share * width);
    const elapsed = Math.round((Date.now() - this.startedAt) / 1000);
    return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}% ${elapsed}s ${this.label}`;
  }

  private draw(force: boolean): void {
    if (this.sink.isTTY) {
      const now = Date.now();
      if (!force && now - this.lastDraw < 100) return;
      this.lastDraw = now;
      const columns = this.sink.columns ?? 100;
      this.sink.write('\r\x1b[2K' + this.render().slice(0, Math.max(20, columns - 1)));
    } else if (this.label !== this.lastLabel) {
      this.lastLabel = this.label;
      this.sink.write(this.render() + '\n');
    }
  }
}
