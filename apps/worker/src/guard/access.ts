import type { GuardSettings } from '@parley/config';

/** Who is writing, as far as access control is concerned. */
export interface Sender {
  id: number;
  username?: string;
}

export const isAdmin = (settings: GuardSettings, sender: Sender): boolean =>
  settings.adminIds.includes(sender.id);

/** True when the allowlist is off, or names the sender's id or username. Admins always pass. */
export function isAllowed(settings: GuardSettings, sender: Sender): boolean {
  if (isAdmin(settings, sender) || !settings.allowlist) return true;
  const { ids, usernames } = settings.allowlist;
  return (
    ids.includes(sender.id) ||
    (sender.username !== undefined && usernames.includes(sender.username.toLowerCase()))
  );
}
