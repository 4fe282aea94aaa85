import { randomUUID } from 'node:crypto';

import type { ConsumerDeserializer, IncomingEvent, IncomingRequest } from '@nestjs/microservices';

/** Stands in for the data of a request whose body could not be read, so the handler answers it. */
export const UNREADABLE_REQUEST = { unreadable: 'the request body is not JSON in the NestJS packet format {"pattern", "data", "id"}' } as const;

const decoder = new TextDecoder();

/**
 * Reads NestJS packets from NATS without ever throwing. NestJS's own deserializer throws on
 * a body that is not JSON, which ends the server; here such a request is answered with an
 * error instead, like any other invalid request.
 */
export class TolerantNatsDeserializer implements ConsumerDeserializer {
  deserialize(value: Uint8Array, options?: { channel?: string; replyTo?: string }): IncomingRequest | IncomingEvent {
    const pattern = options?.channel ?? '';
    let packet: unknown;
    try {
      packet = JSON.parse(decoder.decode(value));
    } catch {
      return { pattern, data: UNREADABLE_REQUEST, id: randomUUID() };
    }
    if (typeof packet !== 'object' || packet === null || Array.isArray(packet)) {
      return { pattern, data: UNREADABLE_REQUEST, id: randomUUID() };
    }
    const { id, data } = packet as { id?: unknown; data?: unknown };
    return { pattern, data: data ?? UNREADABLE_REQUEST, id: typeof id === 'string' && id !== '' ? id : randomUUID() };
  }
}
