import { InvalidFaultError, parseLinkFault } from './link-fault';

const words = (text: string) => text.split(' ');

describe('parseLinkFault', () => {
  it.each([
    ['partition', { partition: true }],
    ['latency 100ms jitter 20ms', { latencyMs: 100, jitterMs: 20 }],
    ['latency 2s', { latencyMs: 2000 }],
    ['drop 10% duplicate 0.05 reorder 100%', { drop: 0.1, duplicate: 0.05, reorder: 1 }],
    ['latency 0ms drop 0%', { latencyMs: 0, drop: 0 }],
  ])('reads %s', (text, fault) => {
    expect(parseLinkFault(words(text))).toEqual(fault);
  });

  it('reads clear as no fault', () => {
    expect(parseLinkFault(['clear'])).toBeUndefined();
  });

  it.each([
    ['latency -5ms', '"-5ms"', 'a delay cannot be negative'],
    ['jitter -1s', '"-1s"', 'a delay cannot be negative'],
    ['latency 601s', '"601s"', 'delays are at most 600s'],
    ['latency fast', '"fast"', 'write a time such as 100ms or 2s'],
    ['drop 150%', '"150%"', 'a share lies between 0% and 100%'],
    ['drop -10%', '"-10%"', 'a share cannot be negative'],
    ['drop 2', '"2"', 'a share lies between 0% and 100%'],
    ['loss 10%', '"loss"', 'use partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear'],
    ['bogus', '"bogus"', 'unknown fault kind; use partition, latency 100ms, jitter 20ms, drop 10%, duplicate 5%, reorder 10%, or clear'],
    ['drop 10% bogus', '"bogus"', 'unknown fault kind'],
    ['clear partition', '"clear"', 'unknown fault kind'],
    ['latency', '"latency"', 'latency needs a value, e.g. 100ms'],
  ])('rejects %s', (text, value, reason) => {
    expect(() => parseLinkFault(words(text))).toThrow(InvalidFaultError);
    expect(() => parseLinkFault(words(text))).toThrow(`invalid fault ${value}`);
    expect(() => parseLinkFault(words(text))).toThrow(reason);
  });
});
