/** Injection tokens for values that are not classes. */
export const SERVER_RUNTIME = Symbol('SERVER_RUNTIME');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const EVENT_LOG = Symbol('EVENT_LOG');
export const TRUST_ANCHORS = Symbol('TRUST_ANCHORS');
