export { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from './redis';
export { sleep, waitFor } from './wait';
