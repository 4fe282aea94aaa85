import { domainProcessKind } from './domain-processes';

describe('domainProcessKind', () => {
  const root = '/srv/domain';

  it.each([
    [['/usr/bin/node', '/opt/domsim/dist/apps/server/src/main.js', '--data', '/srv/domain/servers/server1', '--nats', 'nats://127.0.0.1:4222'], 'server'],
    [['/usr/bin/node', '/opt/domsim/dist/apps/server/src/host.js', '--domain', '/srv/domain', '--nats', 'nats://127.0.0.1:4222'], 'host'],
    [['/usr/sbin/nats-server', '-a', '127.0.0.1', '-p', '4222', '-c', '/srv/domain/nats/nats-auth-4222.conf'], 'nats-server'],
  ])('recognizes %j', (args, kind) => {
    expect(domainProcessKind(args, root)).toBe(kind);
  });

  it.each([
    [['/usr/bin/node', '/opt/domsim/dist/apps/server/src/main.js', '--data', '/srv/domain2/servers/server1']],
    [['/usr/bin/node', '/opt/domsim/dist/apps/server/src/host.js', '--domain', '/srv/domain/servers']],
    [['/usr/sbin/nats-server', '-p', '4222']],
    [['/usr/bin/node', '/opt/domsim/bin/domsim.js', 'up', '--data', '/srv/domain']],
    [['sleep', '60', '/srv/domain/servers/server1']],
  ])('ignores %j', (args) => {
    expect(domainProcessKind(args, root)).toBeUndefined();
  });
});
