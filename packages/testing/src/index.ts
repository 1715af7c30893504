export { type HttpAnswer, HttpClient, type HttpClientOptions, HttpError } from './http-client';
export { createTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from './redis';
export { sleep, waitFor } from './wait';
