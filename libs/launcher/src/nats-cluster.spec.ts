import { assertClusterSize, InvalidClusterSizeError, natsUrlsForServer, planNatsCluster } from './nats-cluster';
import { natsServerArguments } from './nats-server';

const PORTS = [
  { port: 4001, clusterPort: 6001, monitorPort: 8001 },
  { port: 4002, clusterPort: 6002, monitorPort: 8002 },
  { port: 4003, clusterPort: 6003, monitorPort: 8003 },
];

describe('planNatsCluster', () => {
  it('routes each node to every other node', () => {
    const plans = planNatsCluster(PORTS);

    expect(plans.map((plan) => plan.cluster?.routes)).toEqual([
      ['nats://127.0.0.1:6002', 'nats://127.0.0.1:6003'],
      ['nats://127.0.0.1:6001', 'nats://127.0.0.1:6003'],
      ['nats://127.0.0.1:6001', 'nats://127.0.0.1:6002'],
    ]);
    expect(plans.map((plan) => plan.url)).toEqual(['nats://127.0.0.1:4001', 'nats://127.0.0.1:4002', 'nats://127.0.0.1:4003']);
    expect(new Set(plans.map((plan) => plan.serverName)).size).toBe(3);
  });

  it('rejects more than nine nodes', () => {
    const ports = Array.from({ length: 10 }, (_value, index) => ({ port: 1 + index, clusterPort: 100 + index, monitorPort: 200 + index }));

    expect(() => planNatsCluster(ports)).toThrow('invalid NATS cluster size 10: give a whole number from 1 to 9');
  });
});

describe('assertClusterSize', () => {
  it.each([0, -1, 2.5, 10, Number.NaN])('rejects %p', (nodes) => {
    expect(() => assertClusterSize(nodes)).toThrow(InvalidClusterSizeError);
  });

  it.each([1, 3, 9])('accepts %p', (nodes) => {
    expect(() => assertClusterSize(nodes)).not.toThrow();
  });
});

describe('natsServerArguments', () => {
  it('passes cluster, routes and monitoring', () => {
    const [plan] = planNatsCluster(PORTS);

    const args = natsServerArguments(plan);

    expect(args).toEqual([
      '-a', '127.0.0.1', '-p', '4001', '-n', 'domsim-node1', '-m', '8001',
      '--cluster_name', 'domsim', '--cluster', 'nats://127.0.0.1:6001', '--routes', 'nats://127.0.0.1:6002,nats://127.0.0.1:6003',
    ]);
  });

  it('leaves out what a single node does not use', () => {
    expect(natsServerArguments({ host: '127.0.0.1', port: 4222 })).toEqual(['-a', '127.0.0.1', '-p', '4222', '-n', 'domsim-4222']);
  });
});

describe('natsUrlsForServer', () => {
  it.each([
    [0, 'a,b,c'],
    [1, 'b,c,a'],
    [2, 'c,a,b'],
    [3, 'a,b,c'],
  ])('puts node %p mod 3 first', (position, expected) => {
    expect(natsUrlsForServer(['a', 'b', 'c'], position)).toBe(expected);
  });

  it('keeps a single URL', () => {
    expect(natsUrlsForServer(['nats://127.0.0.1:4222'], 5)).toBe('nats://127.0.0.1:4222');
  });
});

describe('planNatsCluster with one node', () => {
  it('plans no cluster membership', () => {
    const [plan] = planNatsCluster(PORTS.slice(0, 1));

    expect(plan.cluster).toBeUndefined();
    expect(natsServerArguments(plan)).not.toContain('--cluster');
  });
});
