import { scrubSecrets } from '@parley/logging';
import { highlight } from './log-format';

export interface BannerInfo {
  telegram:
    | { kind: 'emulator'; chatUrl: string }
    | { kind: 'telegram'; username?: string; ingest: 'webhook' | 'polling'; webhookUrl?: string };
  /** Set when the emulated bot long-polls instead (INGEST_MODE=polling). */
  emulatorPolling?: boolean;
  gatewayWebhook: string;
  gatewayMetrics: string;
  workerMetrics: string[];
  llm: { description: string; model: string };
  redis: { url: string; startedIn?: string };
}

const LABEL_WIDTH = 21;

/** The lines printed once everything answers: where to chat, where to look. */
export function formatBanner(info: BannerInfo, color = false): string[] {
  const row = (label: string, value: string) => `  ${label.padEnd(LABEL_WIDTH)}${value}`;
  const lines = [highlight('Parley is running.', color)];

  if (info.telegram.kind === 'emulator') {
    lines.push(row('Chat with the bot:', `${info.telegram.chatUrl.padEnd(30)}(Telegram emulator)`));
  } else {
    const { username, ingest, webhookUrl } = info.telegram;
    lines.push(row('Chat with the bot:', username ? `https://t.me/${username}` : '(your bot on Telegram)'));
    lines.push(
      row(
        'Telegram updates:',
        ingest === 'webhook'
          ? `webhook ${webhookUrl ?? ''}`.trim()
          : 'long polling (no TELEGRAM_WEBHOOK_URL)',
      ),
    );
  }
  lines.push(
    row(
      'Gateway webhook:',
      info.emulatorPolling ? `${info.gatewayWebhook} (unused: polling)` : info.gatewayWebhook,
    ),
  );
  lines.push(row('Gateway metrics:', info.gatewayMetrics));
  info.workerMetrics.forEach((url, i) => {
    lines.push(
      row(i === 0 ? 'Worker metrics:' : '', info.workerMetrics.length > 1 ? `${url} (worker-${i + 1})` : url),
    );
  });
  lines.push(row('LLM:', `${info.llm.description} (model ${info.llm.model})`));
  const redis = scrubSecrets(info.redis.url);
  lines.push(
    row('Redis:', info.redis.startedIn ? `${redis} (started here, data in ${info.redis.startedIn})` : redis),
  );
  lines.push('Press Ctrl+C to stop.');
  return lines;
}
