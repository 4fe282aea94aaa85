/**
 * A renovations-like domain of `servers` servers in one cluster, with the ID vault on
 * server1 and server2, as YAML for the CLI and the launcher.
 */
export function benchTopology(servers: number): string {
  const names = Array.from({ length: servers }, (_unused, index) => `server${index + 1}/renovations`);
  return [
    'domain: renovations',
    'organizations:',
    '  - name: /renovations',
    '    certifier: { server: server1/renovations, idFile: renovations-cert.id, password: renovations-demo }',
    '  - name: /mfatest1',
    '    certifier: { server: server1/renovations, idFile: cert.id, password: mfatest1-demo }',
    'servers:',
    ...names.map((name, index) => `  - name: ${name}${index === 0 ? '\n    administrationServer: true' : ''}\n    http: { enabled: false }`),
    'people:',
    '  - name: renovations admin/renovations',
    '    administrator: true',
    'vaults:',
    '  - name: /renovationsvault',
    `    servers: [${names.slice(0, Math.min(2, servers)).join(', ')}]`,
    '    administrators: [renovations admin/renovations]',
    '    trust: [{ certifier: /renovations }]',
    '',
  ].join('\n');
}
