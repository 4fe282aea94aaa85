/**
 * The page's style sheet. One column on narrow screens, a grid of panels from 900 px, and
 * larger type from 1600 px so the page reads from the back of a room on a projector.
 */
export const PAGE_STYLE = `
:root { --fg: #1b1f24; --muted: #57606a; --bg: #f6f8fa; --panel: #ffffff; --line: #d0d7de;
  --ok: #1a7f37; --bad: #cf222e; --accent: #0969da; --cluster: #0969da; --connection: #8250df; --fault: #cf222e;
  font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 15px; color: var(--fg); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; }
.top { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: center; padding: 0.75rem 1rem; background: var(--panel); border-bottom: 1px solid var(--line); }
.top h1 { font-size: 1.3rem; margin: 0; }
#stream-status { margin: 0; color: var(--muted); }
#stream-status.live { color: var(--ok); }
#stream-status.down { color: var(--bad); }
#login-form { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: center; margin-left: auto; }
main { display: grid; gap: 1rem; padding: 1rem; grid-template-columns: minmax(0, 1fr); }
@media (min-width: 900px) { main { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
@media (min-width: 1600px) { :root { font-size: 19px; } main { grid-template-columns: repeat(3, minmax(0, 1fr)); } }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; min-width: 0; }
.panel.wide { grid-column: 1 / -1; }
.panel h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.hint { color: var(--muted); margin: 0 0 0.5rem; font-size: 0.9em; }
svg { width: 100%; height: auto; display: block; }
svg text { font-size: 13px; fill: var(--fg); }
.legend { font-size: 0.9em; color: var(--muted); }
.key::before { content: ""; display: inline-block; width: 1.5em; height: 0; margin-right: 0.3em; vertical-align: middle; border-top: 3px solid; }
.key.cluster::before { border-color: var(--cluster); }
.key.connection::before { border-color: var(--connection); border-top-style: dashed; }
.key.fault::before { border-color: var(--fault); border-top-style: dotted; }
.cards { display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.5rem 0.75rem; min-width: 0; }
.card h3 { font-size: 1rem; margin: 0 0 0.25rem; }
.card p { margin: 0.15rem 0; }
.badge { display: inline-block; padding: 0 0.4em; border-radius: 3px; font-size: 0.85em; border: 1px solid currentColor; }
.badge.ok { color: var(--ok); }
.badge.bad { color: var(--bad); }
.roles { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { text-align: left; border-bottom: 1px solid var(--line); padding: 0.15rem 0.3rem; white-space: nowrap; }
#timeline { padding-left: 1.25rem; margin: 0; }
#timeline li { margin-bottom: 0.5rem; }
.arrivals { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; list-style: none; padding: 0; margin: 0.2rem 0 0; }
.hop { white-space: nowrap; }
form { display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; }
input, select, button { font: inherit; padding: 0.3rem 0.5rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; color: var(--fg); min-width: 0; }
#console-command { flex: 1 1 14rem; font-family: ui-monospace, monospace; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
button:disabled { opacity: 0.6; cursor: progress; }
button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #54aeff; outline-offset: 1px; }
pre { background: #0d1117; color: #e6edf3; padding: 0.5rem; border-radius: 4px; overflow-x: auto; font-size: 0.85em; min-height: 2.5em; white-space: pre-wrap; word-break: break-word; }
#action-error { color: var(--bad); font-weight: 600; grid-column: 1 / -1; margin: 0; }
#action-error:empty { display: none; }
`;
