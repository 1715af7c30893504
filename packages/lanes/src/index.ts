export { type AcceptDeps, acceptUpdate } from './accept-update';
export { createDeadLetters, type DeadLetter, type DeadLetterOptions, type DeadLetters } from './dead-letters';
export { createInbox, type Inbox, type InboxEntry } from './inbox';
export { armLane, markPending, parsePendingMember } from './lane-scheduler';
