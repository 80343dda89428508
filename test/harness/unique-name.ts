/** Random names for topics, consumer groups and key spaces, so tests never share state. */
import { randomBytes } from 'node:crypto';

/** `prefix-<time>-<random>`: valid as a Kafka topic/group name and as a Redis key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
