/**
 * The page's script, plain ES2017 with no dependencies. It renders the state the server
 * sends over the event stream and posts actions with the administrator credentials typed
 * into the page. Those credentials stay in the page's memory and go only to this UI server.
 * NOTE: the text is a raw string, so the script avoids backticks and dollar-brace pairs.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var COLORS = ['#0969da', '#8250df', '#1a7f37', '#bf3989', '#9a6700', '#cf222e', '#0a3069', '#6e7781'];
  var EDGE_STYLES = {
    cluster: { colour: '#0969da', width: 2, dashes: null, marker: null },
    connection: { colour: '#8250df', width: 2, dashes: '8 5', marker: 'url(#arrow)' },
    fault: { colour: '#cf222e', width: 3, dashes: '3 4', marker: 'url(#arrow)' },
  };
  var NODE_STYLES = {
    converged: { fill: '#dafbe1', text: 'ok' },
    behind: { fill: '#fff8c5', text: '...' },
    down: { fill: '#ffebe9', text: 'down' },
  };
  var state = null;
  var serverKey = '';

  function byId(id) { return document.getElementById(id); }

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    setAll(node, attributes);
    append(node, children);
    return node;
  }

  function svg(tag, attributes, children) {
    var node = document.createElementNS(SVG_NS, tag);
    setAll(node, attributes);
    append(node, children);
    return node;
  }

  function setAll(node, attributes) {
    Object.keys(attributes || {}).forEach(function (key) {
      if (key === 'text') node.textContent = attributes[key];
      else if (attributes[key] !== undefined && attributes[key] !== null) node.setAttribute(key, String(attributes[key]));
    });
  }

  function append(node, children) {
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
  }

  function replaceChildren(node, children) {
    while (node.firstChild) node.removeChild(node.firstChild);
    append(node, children);
  }

  /** "CN=server1/O=renovations" as "server1/renovations"; "*" stays "*". */
  function abbreviate(name) {
    return name.split('/').map(function (part) { return part.replace(/^[A-Za-z]+=/, ''); }).join('/');
  }

  function clockTime(epochMs) {
    var date = new Date(epochMs);
    return date.toLocaleTimeString('en-GB', { hour12: false }) + '.' + String(date.getMilliseconds()).padStart(3, '0');
  }

  function authorization() {
    var name = byId('admin-name').value.trim();
    var password = byId('admin-password').value;
    if (name === '' || password === '') return undefined;
    var bytes = new TextEncoder().encode(name + ':' + password);
    var binary = '';
    bytes.forEach(function (byte) { binary += String.fromCharCode(byte); });
    return 'Basic ' + btoa(binary);
  }

  function showError(message) {
    byId('action-error').textContent = message;
  }

  function post(path, body) {
    showError('');
    var headers = { 'Content-Type': 'application/json' };
    var credentials = authorization();
    if (credentials !== undefined) headers.Authorization = credentials;
    return fetch(path, { method: 'POST', headers: headers, body: JSON.stringify(body) }).then(function (response) {
      return response.json().then(function (json) {
        if (!response.ok && json && json.message) showError(json.message);
        return { status: response.status, body: json };
      });
    }).catch(function (error) {
      showError('The request failed: ' + error.message);
      return { status: 0, body: {} };
    });
  }

  function fillServerSelect(select, names, withAny) {
    var previous = select.value;
    var options = names.map(function (name) { return el('option', { value: name, text: abbreviate(name) }); });
    if (withAny) options.push(el('option', { value: '*', text: '* (every server)' }));
    replaceChildren(select, options);
    if (previous !== '') select.value = previous;
  }

  function renderSelects() {
    var names = state.servers.map(function (server) { return server.name; });
    var key = names.join('|');
    if (key === serverKey) return;
    serverKey = key;
    fillServerSelect(byId('console-server'), names, false);
    fillServerSelect(byId('fault-from'), names, true);
    fillServerSelect(byId('fault-to'), names, true);
    if (byId('fault-to').value === byId('fault-from').value && names.length > 1) byId('fault-to').value = names[names.length - 1];
  }

  function nodeStatus(server) {
    if (!server.reachable) return 'down';
    return server.converged ? 'converged' : 'behind';
  }

  function renderGraph() {
    var graph = state.graph;
    var byName = {};
    state.servers.forEach(function (server) { byName[server.name] = server; });
    var marker = svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: '28', refY: '5', markerWidth: '8', markerHeight: '8', orient: 'auto-start-reverse' }, [svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#57606a' })]);
    var children = [svg('title', { id: 'graph-title', text: 'Servers of domain ' + state.domain + ' and their replication links' }), svg('defs', {}, [marker])];
    graph.edges.forEach(function (edge) {
      var style = EDGE_STYLES[edge.kind];
      var colour = style.colour;
      var line = svg('line', { x1: edge.x1, y1: edge.y1, x2: edge.x2, y2: edge.y2, stroke: colour, 'stroke-width': style.width,
        'stroke-dasharray': style.dashes, 'marker-end': style.marker, 'data-kind': edge.kind, 'data-from': edge.from, 'data-to': edge.to }, [svg('title', { text: abbreviate(edge.from) + (edge.kind === 'cluster' ? ' and ' : ' to ') + abbreviate(edge.to) + ': ' + edge.label })]);
      children.push(line);
      if (edge.kind !== 'cluster') {
        children.push(svg('text', { x: (edge.x1 + edge.x2) / 2, y: (edge.y1 + edge.y2) / 2 - 4, 'text-anchor': 'middle', fill: colour, text: edge.label }));
      }
    });
    graph.nodes.forEach(function (node) {
      var server = byName[node.name] || { roles: [], reachable: false, converged: false };
      var status = nodeStatus(server);
      var look = NODE_STYLES[status];
      children.push(svg('g', { 'data-server': node.name, 'data-status': status }, [
        svg('circle', { cx: node.x, cy: node.y, r: 22, fill: look.fill, stroke: '#1b1f24', 'stroke-width': 1.5 }),
        svg('text', { x: node.x, y: node.labelSide === 'above' ? node.y - 46 : node.y + 38, 'text-anchor': 'middle', 'font-weight': '600', text: abbreviate(node.name) }),
        svg('text', { x: node.x, y: node.labelSide === 'above' ? node.y - 30 : node.y + 54, 'text-anchor': 'middle', fill: '#57606a', text: server.roles.join(', ') || 'no vault' }),
        svg('text', { x: node.x, y: node.y + 5, 'text-anchor': 'middle', text: look.text }),
      ]));
    });
    replaceChildren(byId('graph'), [svg('svg', { viewBox: '0 0 ' + graph.width + ' ' + graph.height, role: 'img', 'aria-labelledby': 'graph-title' }, children)]);
  }

  function certificatesTable(server) {
    if (!server.certificates) return el('p', { text: 'Certificates view not read yet' });
    var columns = server.certificates.columns;
    var head = el('tr', {}, columns.map(function (column) { return el('th', { scope: 'col', text: column }); }));
    var rows = server.certificates.rows.map(function (row) {
      return el('tr', {}, columns.map(function (column) { return el('td', { text: row[column] || '' }); }));
    });
    return el('div', { class: 'table-wrap' }, [el('table', { 'data-view': 'Certificates' }, [el('caption', { text: 'Certificates view of names.nsf' }), el('thead', {}, [head]), el('tbody', {}, rows)])]);
  }

  function renderServers() {
    var cards = state.servers.map(function (server, index) {
      var headingId = 'server-heading-' + index;
      var status = nodeStatus(server);
      var badge = status === 'converged' ? el('span', { class: 'badge ok', text: 'Converged' }) : status === 'down' ? el('span', { class: 'badge bad', text: 'Not answering' }) : el('span', { class: 'badge bad', text: 'Not converged' });
      var position = server.position ? 'names.nsf position: ' + server.position.revisions + ' revisions (' + Object.keys(server.position.vector).map(function (origin) { return abbreviate(origin) + ' ' + server.position.vector[origin]; }).join(', ') + ')' : 'names.nsf position: unknown';
      return el('article', { class: 'card', 'aria-labelledby': headingId, 'data-server': server.name, 'data-status': status }, [
        el('h3', { id: headingId, text: server.display }),
        el('p', { class: 'roles', text: server.roles.length > 0 ? server.roles.join(', ') : 'No ID vault' }),
        el('p', {}, [badge, ' ', server.cluster ? 'cluster ' + server.cluster : 'no cluster']),
        el('p', { class: 'position', text: position }),
        el('p', { text: 'Replicator: ' + (server.activity || 'unknown') }),
        certificatesTable(server),
      ]);
    });
    replaceChildren(byId('servers'), cards);
  }

  function renderTimeline() {
    if (state.timeline.length === 0) {
      replaceChildren(byId('timeline'), [el('li', { text: 'No change seen yet; run a command that saves a document.' })]);
      return;
    }
    var items = state.timeline.map(function (change) {
      var title = (change.form || 'Note') + (change.deleted ? ' (deleted)' : '') + ' ' + change.unid.slice(0, 8) + '... saved on ' + abbreviate(change.originator) + (change.savedAt ? ' at ' + clockTime(change.savedAt) : '');
      var hops = change.arrivals.map(function (arrival) {
        var text = arrival.server === change.originator ? abbreviate(arrival.server) + ': saved' : abbreviate(change.originator) + ' to ' + abbreviate(arrival.server) + ': ' + (arrival.lagMs === undefined ? 'stored at ' + clockTime(arrival.appliedAt) : '+' + arrival.lagMs.toFixed(1) + ' ms');
        return el('li', { class: 'hop', 'data-server': arrival.server, text: text });
      });
      return el('li', { 'data-unid': change.unid, 'data-form': change.form || '' }, [el('span', { text: title }), el('ul', { class: 'arrivals' }, hops)]);
    });
    replaceChildren(byId('timeline'), items);
  }

  function renderLagChart() {
    var chart = state.lagChart;
    var padding = chart.padding;
    var bottom = chart.height - padding.bottom;
    var children = [svg('title', { id: 'lag-title', text: 'Replication lag per link over the last ' + Math.round((chart.windowEnd - chart.windowStart) / 60000) + ' minutes' })];
    [0, 0.5, 1].forEach(function (fraction) {
      var y = padding.top + (bottom - padding.top) * (1 - fraction);
      children.push(svg('line', { x1: padding.left, y1: y, x2: chart.width - padding.right, y2: y, stroke: '#d0d7de' }));
      children.push(svg('text', { x: padding.left - 4, y: y + 4, 'text-anchor': 'end', text: Math.round(chart.yMaxMs * fraction) + ' ms' }));
    });
    children.push(svg('text', { x: padding.left, y: chart.height - 4, text: clockTime(chart.windowStart) }));
    children.push(svg('text', { x: chart.width - padding.right, y: chart.height - 4, 'text-anchor': 'end', text: clockTime(chart.windowEnd) }));
    var legend = [];
    chart.series.forEach(function (series, index) {
      var colour = COLORS[index % COLORS.length];
      var name = abbreviate(series.from) + ' to ' + abbreviate(series.to);
      children.push(svg('polyline', { points: series.points, fill: 'none', stroke: colour, 'stroke-width': 2, 'data-link': series.from + '->' + series.to }, [svg('title', { text: name })]));
      series.points.split(' ').forEach(function (point) {
        var xy = point.split(',');
        children.push(svg('circle', { cx: xy[0], cy: xy[1], r: 2.5, fill: colour }));
      });
      legend.push(el('li', { 'data-link': series.from + '->' + series.to }, [el('span', { class: 'badge', text: name }), ' last ' + series.lastLagMs.toFixed(1) + ' ms, max ' + series.maxLagMs.toFixed(1) + ' ms']));
    });
    var parts = [svg('svg', { viewBox: '0 0 ' + chart.width + ' ' + chart.height, role: 'img', 'aria-labelledby': 'lag-title' }, children)];
    parts.push(legend.length > 0 ? el('ul', { 'aria-label': 'Lag per link' }, legend) : el('p', { class: 'hint', text: 'No replication measured in this window yet.' }));
    replaceChildren(byId('lag-chart'), parts);
    legend.forEach(function (item, index) { item.firstChild.style.color = COLORS[index % COLORS.length]; });
  }

  function renderFaults() {
    var items = state.faults.map(function (fault) {
      return el('li', { 'data-from': fault.from, 'data-to': fault.to, text: abbreviate(fault.from) + ' to ' + abbreviate(fault.to) + ': ' + fault.fault });
    });
    replaceChildren(byId('fault-list'), items.length > 0 ? items : [el('li', { text: 'No link faults' })]);
  }

  function renderDemo() {
    byId('demo-output').textContent = state.demo.lines.join('\n');
    byId('demo-start').disabled = state.demo.running;
  }

  function render() {
    byId('domain-name').textContent = state.domain;
    renderSelects();
    renderGraph();
    renderServers();
    renderTimeline();
    renderLagChart();
    renderFaults();
    renderDemo();
  }

  var streamOpen = false;

  /** Shows whether the page gets updates: the event stream must be open and the live view connected to NATS. */
  function renderStatus() {
    var text = 'Live';
    if (!streamOpen) text = 'Disconnected from the live view; reconnecting...';
    else if (state !== null && state.nats === 'reconnecting') text = 'Disconnected from NATS \u2014 reconnecting';
    else if (state !== null && state.nats === 'closed') text = 'Disconnected from NATS; restart domsim ui';
    byId('stream-status').textContent = text;
    byId('stream-status').className = text === 'Live' ? 'live' : 'down';
  }

  function connect() {
    var source = new EventSource('/api/events');
    source.addEventListener('open', function () {
      streamOpen = true;
      renderStatus();
    });
    source.addEventListener('error', function () {
      streamOpen = false;
      renderStatus();
    });
    source.addEventListener('state', function (event) {
      state = JSON.parse(event.data);
      renderStatus();
      render();
    });
  }

  function wireForms() {
    byId('login-form').addEventListener('submit', function (event) { event.preventDefault(); });
    byId('console-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var input = byId('console-command');
      var button = event.target.querySelector('button');
      var command = input.value;
      // The line may hold a password: it leaves the input as soon as it is sent.
      input.value = '';
      button.disabled = true;
      post('/api/console', { server: byId('console-server').value, command: command }).then(function (result) {
        button.disabled = false;
        if (result.status === 200) byId('console-output').textContent = [result.body.echo].concat(result.body.lines).join('\n');
      });
    });
    byId('fault-form').addEventListener('submit', function (event) {
      event.preventDefault();
      post('/api/fault', { from: byId('fault-from').value, to: byId('fault-to').value, fault: byId('fault-spec').value });
    });
    byId('heal').addEventListener('click', function () { post('/api/heal', {}); });
    byId('demo-start').addEventListener('click', function () { post('/api/demo', {}); });
  }

  document.addEventListener('DOMContentLoaded', function () {
    wireForms();
    connect();
  });
})();
`;
