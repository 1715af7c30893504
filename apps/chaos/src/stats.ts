import type { HttpClient } from '@parley/testing';
import { z } from 'zod';
import type { BotMessage } from './verify';

/** What the run reads back from the stand-ins and the gateway at the end. */

const botMessagesAnswer = z.object({
  ok: z.literal(true),
  result: z.array(
    z.object({ chatId: z.number(), messageId: z.number(), text: z.string(), date: z.number() }),
  ),
});

/** Every message the bot sent, as the emulator stores it now (after edits). */
export async function fetchBotMessages(
  http: HttpClient,
  emulatorUrl: string,
  token: string,
): Promise<BotMessage[]> {
  const url = `${emulatorUrl}/_emulator/bot-messages?token=${encodeURIComponent(token)}`;
  const answer = botMessagesAnswer.parse(await http.json('GET', url, undefined, 60_000));
  return answer.result.map(({ chatId, messageId, text, date }) => ({ chatId, messageId, text, date }));
}

const simStatsSchema = z.object({
  requests: z.number(),
  completed: z.number(),
  errors: z.number(),
  aborted: z.number(),
  errorsInjected: z.number(),
  maxInFlightSeen: z.number(),
});
export type SimStats = z.infer<typeof simStatsSchema>;

export async function fetchSimStats(http: HttpClient, simUrl: string): Promise<SimStats | undefined> {
  try {
    return simStatsSchema.parse(await http.json('GET', `${simUrl}/_sim/stats`));
  } catch {
    return undefined;
  }
}

/** `parley_gateway_webhook_requests_total` by outcome (accepted, unavailable, ...). */
export async function fetchGatewayWebhookOutcomes(
  http: HttpClient,
  gatewayUrl: string,
): Promise<Record<string, number>> {
  try {
    const answer = await http.request('GET', `${gatewayUrl}/metrics`, undefined, 5_000);
    const outcomes: Record<string, number> = {};
    const pattern = /^parley_gateway_webhook_requests_total\{[^}]*outcome="([^"]+)"[^}]*\}\s+([0-9.e+]+)$/gm;
    for (const match of answer.body.matchAll(pattern)) {
      const [, outcome, value] = match;
      if (outcome !== undefined) outcomes[outcome] = (outcomes[outcome] ?? 0) + Number(value);
    }
    return outcomes;
  } catch {
    return {};
  }
}
