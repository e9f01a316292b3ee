/**
 * A live tail of one replica's log: `GET /v1/services/:service/replicas/:replica/logs`
 * streams the last 100 lines, then each new one. One replica at a time: choosing another
 * closes the previous stream.
 */
import { show } from './dom.ts';

const KEEP_LINES = 500;

export class LogTail {
  private source: EventSource | undefined;
  private lines: string[] = [];

  constructor(
    private readonly title: HTMLElement,
    private readonly output: HTMLElement,
  ) {}

  follow(service: string, replica: string): void {
    this.source?.close();
    this.lines = [];
    this.title.textContent = `log of ${replica}`;
    show(this.output);
    const url = `/v1/services/${encodeURIComponent(service)}/replicas/${encodeURIComponent(replica)}/logs`;
    this.source = new EventSource(url);
    this.source.addEventListener('line', (message) => {
      const { text } = JSON.parse((message as MessageEvent<string>).data) as { text: string };
      this.append(text);
    });
    this.source.addEventListener('error', () => {
      this.title.textContent = `log of ${replica} (reconnecting…)`;
    });
    this.source.addEventListener('open', () => {
      this.title.textContent = `log of ${replica}`;
    });
  }

  private append(text: string): void {
    const atBottom = this.output.scrollTop + this.output.clientHeight >= this.output.scrollHeight - 4;
    this.lines.push(text);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
    this.output.textContent = this.lines.join('\n');
    if (atBottom) this.output.scrollTop = this.output.scrollHeight;
  }
}
