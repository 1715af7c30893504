/// <reference path="./cluster-key-slot.d.ts" />
// The slot function ioredis itself routes cluster commands with, so a batch is grouped exactly
// as the client will send it.
import calculateSlot from 'cluster-key-slot';

/** The Redis Cluster hash slot of a key. */
export const slotOf = (key: string): number => calculateSlot(key);
