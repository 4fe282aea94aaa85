import { html, SafeHtml } from './html';

export interface PageMessage {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

const STYLE = `
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; background: #eef1f5; color: #1d2633; margin: 0; }
header { background: #1f4e79; color: #fff; padding: 14px 28px; font-size: 18px; }
header small { opacity: .8; margin-left: 12px; font-size: 13px; }
main { max-width: 560px; margin: 32px auto; background: #fff; padding: 24px 32px; border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.15); }
h1 { font-size: 22px; margin-top: 0; }
label { display: block; margin: 14px 0 4px; font-weight: 600; }
input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px; font-size: 16px; border: 1px solid #9aa5b1; border-radius: 4px; }
button { margin-top: 18px; padding: 8px 18px; font-size: 15px; background: #1f4e79; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
button.secondary { background: #6b7785; }
.message { padding: 10px 12px; border-radius: 4px; margin-bottom: 16px; }
.message.error { background: #fde8e8; border: 1px solid #e0a0a0; color: #8a1c1c; }
.message.info { background: #e7f1fb; border: 1px solid #9cc3e6; }
code { word-break: break-all; background: #f3f5f7; padding: 2px 4px; }
.qr svg { width: 220px; height: 220px; }
ol.codes { columns: 2; font-family: monospace; font-size: 17px; }
table { border-collapse: collapse; } td { padding: 4px 12px 4px 0; }
form.inline { display: inline; }
`;

/** The frame of every login page: a header with the server name, the message, the content. */
export function layout(server: string, title: string, content: SafeHtml, message?: PageMessage): string {
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} - ${server}</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<header>HCL Domino web login (domsim)<small>${server}</small></header>
<main>
<h1>${title}</h1>
${message === undefined ? '' : html`<p id="message" class="message ${message.kind}" role="${message.kind === 'error' ? 'alert' : 'status'}">${message.text}</p>`}
${content}
</main>
</body>
</html>
`;
  return page.markup;
}
