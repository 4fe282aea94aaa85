/**
 * The page's markup. Every control has a visible label or text, so assistive technology
 * and tests can find it by role and name. The script fills the regions marked aria-live.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>domsim live view</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>domsim <span id="domain-name">domain</span></h1>
  <p id="stream-status" role="status" aria-live="polite">Connecting to the domain...</p>
  <form id="login-form" aria-label="Administrator credentials">
    <label for="admin-name">Administrator name</label>
    <input id="admin-name" name="admin-name" autocomplete="username" placeholder="renovations admin/renovations">
    <label for="admin-password">Internet password</label>
    <input id="admin-password" name="admin-password" type="password" autocomplete="current-password">
  </form>
</header>
<main>
  <section class="panel" aria-labelledby="graph-heading">
    <h2 id="graph-heading">Servers and replication links</h2>
    <div id="graph"></div>
    <p class="legend"><span class="key cluster">cluster replication</span> <span class="key connection">Connection document</span> <span class="key fault">link fault</span></p>
  </section>
  <section class="panel" aria-labelledby="timeline-heading">
    <h2 id="timeline-heading">Propagation timeline</h2>
    <p class="hint">Each change, where it was saved and when each server stored it; the lag is measured from the save.</p>
    <ol id="timeline" aria-live="polite"></ol>
  </section>
  <section class="panel wide" aria-labelledby="servers-heading">
    <h2 id="servers-heading">Servers</h2>
    <div id="servers" class="cards"></div>
  </section>
  <section class="panel" aria-labelledby="lag-heading">
    <h2 id="lag-heading">Replication lag per link</h2>
    <div id="lag-chart"></div>
  </section>
  <section class="panel" aria-labelledby="console-heading">
    <h2 id="console-heading">Console</h2>
    <form id="console-form">
      <label for="console-server">Server</label>
      <select id="console-server" name="server"></select>
      <label for="console-command">Console command</label>
      <input id="console-command" name="command" autocomplete="off" spellcheck="false" placeholder="show idvault">
      <button type="submit">Run command</button>
    </form>
    <pre id="console-output" aria-live="polite" aria-label="Console output"></pre>
  </section>
  <section class="panel" aria-labelledby="faults-heading">
    <h2 id="faults-heading">Link faults</h2>
    <form id="fault-form">
      <label for="fault-from">From server</label>
      <select id="fault-from" name="from"></select>
      <label for="fault-to">To server</label>
      <select id="fault-to" name="to"></select>
      <label for="fault-spec">Fault</label>
      <input id="fault-spec" name="fault" list="fault-examples" value="partition" autocomplete="off">
      <datalist id="fault-examples">
        <option value="partition"><option value="latency 500ms"><option value="drop 50%"><option value="clear">
      </datalist>
      <button type="submit">Set fault</button>
      <button type="button" id="heal">Heal all links</button>
    </form>
    <ul id="fault-list" aria-label="Current link faults"></ul>
  </section>
  <section class="panel" aria-labelledby="demo-heading">
    <h2 id="demo-heading">Guided trust demo</h2>
    <p class="hint">Issues the MFA trust certificate for */O=mfatest1 at server1's console and follows it to every server, as domsim demo does.</p>
    <button type="button" id="demo-start">Start trust demo</button>
    <pre id="demo-output" aria-live="polite" aria-label="Demo narration"></pre>
  </section>
  <p id="action-error" role="alert"></p>
</main>
</body>
</html>
`;
