import { displayName } from '@domsim/directory';
import type { TotpStatus } from '@domsim/mfa';

import type { PendingEnrollment, WebSession } from '../login-sessions';
import { html, SafeHtml } from './html';
import { layout, type PageMessage } from './layout';

/** Routes of the login pages, shared by the pages and the controllers. */
export const LoginRoutes = {
  Login: '/login',
  Token: '/login/token',
  Enroll: '/login/enroll',
  Home: '/home',
  Logout: '/logout',
  Devices: '/totp/devices',
  AddDevice: '/totp/devices/add',
  ConfirmDevice: '/totp/devices/confirm',
  DeleteDevice: '/totp/devices/delete',
  ScratchCodes: '/totp/scratch-codes',
} as const;

/** The name and password form, Domino's $$LoginUserFormMFA. */
export function loginPage(server: string, options: { username?: string; message?: PageMessage } = {}): string {
  const content = html`<p id="intro">Log in with your user name and your Internet password. If your organization uses two-factor authentication, the next page asks for a code from the authenticator app on your phone.</p>
<form method="post" action="${LoginRoutes.Login}" name="LoginUserFormMFA" id="login-form">
<label for="username">User name</label>
<input type="text" id="username" name="username" autocomplete="username" maxlength="256" value="${options.username ?? ''}" aria-describedby="username-help" autofocus>
<p id="username-help"><small>Your full name as your administrator registered it (for example Jane Doe/Sales), your short name, or your e-mail address.</small></p>
<label for="password">Internet password</label>
<input type="password" id="password" name="password" autocomplete="current-password" maxlength="256" aria-describedby="password-help">
<p id="password-help"><small>The password for web access your administrator gave you, not the password of your Notes ID. Passwords are case sensitive.</small></p>
<button type="submit" id="login-submit">Log in</button>
</form>`;
  return layout(server, 'Log in', content, options.message);
}

/** The second step for an enrolled user: a token from the app, or a scratch code. */
export function tokenPage(server: string, user: string, message?: PageMessage): string {
  const content = html`<p>Logging in as <strong id="user">${user}</strong>.</p>
<p id="intro">Open the authenticator app on the phone or device you enrolled (for example Microsoft Authenticator or Google Authenticator) and enter the 6-digit code it shows for this account. The code changes every 30 seconds. Without that device, enter one of the 8-digit emergency scratch codes you wrote down when you enrolled it.</p>
<form method="post" action="${LoginRoutes.Token}" id="token-form">
<label for="token">Verification code</label>
<input type="text" id="token" name="token" inputmode="numeric" autocomplete="one-time-code" maxlength="32" autofocus>
<button type="submit" id="token-submit">Verify</button>
</form>`;
  return layout(server, 'Enter your verification code', content, message);
}

export interface EnrollPageOptions {
  readonly user: string;
  readonly enrollment: PendingEnrollment;
  /** The QR code of the otpauth URI as SVG markup. */
  readonly qrSvg: string;
  /** Where the form posts: the first enrollment of a login, or another device of a session. */
  readonly action: string;
  readonly deviceName?: string;
  readonly message?: PageMessage;
}

/** Enrollment of a device: QR code, otpauth URI and secret, then a device name and the first token. */
export function enrollPage(server: string, options: EnrollPageOptions): string {
  const { enrollment } = options;
  const content = html`<p>Set up two-factor authentication for <strong id="user">${options.user}</strong>.</p>
<ol id="intro">
<li>Install an authenticator app on your phone if you have none, for example Microsoft Authenticator or Google Authenticator.</li>
<li>In the app, add an account and scan this QR code. If you cannot scan it, type the secret below into the app.</li>
<li>Give this device a name you will recognize and enter the 6-digit code the app now shows.</li>
</ol>
<div class="qr" id="qr-code">${new SafeHtml(options.qrSvg)}</div>
<table>
<tr><td>Secret</td><td><code id="totp-secret">${enrollment.secret}</code></td></tr>
<tr><td>Algorithm</td><td id="totp-algorithm">${enrollment.algorithm}</td></tr>
<tr><td>Digits</td><td id="totp-digits">${enrollment.digits}</td></tr>
<tr><td>Period</td><td id="totp-period">${enrollment.stepSeconds} seconds</td></tr>
</table>
<p>otpauth URI: <code id="otpauth-uri">${enrollment.uri}</code></p>
<form method="post" action="${options.action}" id="enroll-form">
<label for="deviceName">Device name (2 to 23 letters and digits, for example phone1)</label>
<input type="text" id="deviceName" name="deviceName" maxlength="64" value="${options.deviceName ?? ''}">
<label for="token">6-digit code from the app</label>
<input type="text" id="token" name="token" inputmode="numeric" autocomplete="one-time-code" maxlength="32">
<button type="submit" id="enroll-submit">Confirm device</button>
</form>`;
  return layout(server, 'Enroll a TOTP device', content, options.message);
}

/** Scratch codes, shown once: only their hashes are stored. */
export function scratchCodesPage(server: string, user: string, codes: readonly string[], intro: string): string {
  const list = codes.map((code) => html`<li>${code}</li>`);
  const content = html`<p>${intro}</p>
<p><strong>Write these scratch codes down now.</strong> Each works once in place of a code from your app, and they are not shown again.</p>
<ol class="codes" id="scratch-codes">${list}</ol>
<p><a href="${LoginRoutes.Home}" id="continue">Continue</a> as <span id="user">${user}</span></p>`;
  return layout(server, 'Your emergency scratch codes', content);
}

/** The page that shows who is logged in. */
export function homePage(server: string, session: WebSession, message?: PageMessage): string {
  const method = { password: 'name and password', token: 'name, password and TOTP token', 'scratch-code': 'name, password and a scratch code' }[session.method];
  const content = html`<p>You are logged in as <strong id="user">${displayName(session.user)}</strong>.</p>
<p id="login-method">Logged in with ${method} at ${session.loggedInAt.toISOString()}.</p>
${session.vault === undefined ? '' : html`<p><a href="${LoginRoutes.Devices}" id="manage-devices">Manage your TOTP devices</a></p>`}
<form method="post" action="${LoginRoutes.Logout}"><button type="submit" class="secondary" id="logout">Log out</button></form>`;
  return layout(server, 'Logged in', content, message);
}

/** The logged-in user's TOTP devices: add, delete, new scratch codes. */
export function devicesPage(server: string, user: string, status: TotpStatus, message?: PageMessage): string {
  const rows = status.devices.map(
    (device) => html`<tr><td class="device">${device}</td><td><form class="inline" method="post" action="${LoginRoutes.DeleteDevice}">
<input type="hidden" name="deviceName" value="${device}"><button type="submit" class="secondary">Delete</button></form></td></tr>`,
  );
  const content = html`<p>TOTP devices of <strong id="user">${user}</strong> (${status.devices.length} of at most ${status.maxDevices}):</p>
<table id="devices">${rows}</table>
${status.devices.length < status.maxDevices ? html`<form method="post" action="${LoginRoutes.AddDevice}"><button type="submit" id="add-device">Add a device</button></form>` : html`<p>Delete a device to add another.</p>`}
${status.scratchCodesEnabled ? html`<p id="scratch-code-count">${status.scratchCodesLeft} scratch codes left.</p><form method="post" action="${LoginRoutes.ScratchCodes}"><button type="submit" id="reset-scratch-codes">Get new scratch codes</button></form>` : ''}
<p><a href="${LoginRoutes.Home}">Back</a></p>`;
  return layout(server, 'Your TOTP devices', content, message);
}

/** A failure with no form to show again: the message and where to go next. */
export function errorPage(server: string, title: string, message: string, next: { href: string; label: string } = { href: LoginRoutes.Login, label: 'Log in again' }): string {
  return layout(server, title, html`<p><a href="${next.href}" id="next">${next.label}</a></p>`, { kind: 'error', text: message });
}
