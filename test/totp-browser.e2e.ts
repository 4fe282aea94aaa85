import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type BrowserContext, chromium, type Page } from 'playwright-core';

import { type StartedTestDomain, TestDomainBuilder } from '@domsim/testing';

import { tokenAt } from './support/web-client';

/** Debian's chromium package; .ci/install installs it. */
const CHROMIUM = process.env.DOMSIM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');

jest.setTimeout(90_000);

const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable) {
  process.stderr.write(`SKIPPED: the headless Chromium login test needs ${CHROMIUM}; install it with apt-get install chromium (bash .ci/install does)\n`);
}

(browserAvailable ? describe : describe.skip)('TOTP login in headless Chromium', () => {
  let domain: StartedTestDomain;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let base: string;

  beforeAll(async () => {
    domain = await new TestDomainBuilder().start();
    const reply = await domain.command('server1/renovations', 'mfamgmt create trustcert "*/O=mfatest1" cert.id mfatest1-demo');
    expect(reply.ok).toBe(true);
    base = `http://${(await domain.health('server3/renovations')).http as string}`;

    profile = mkdtempSync(join(tmpdir(), 'domsim-chromium-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
    page = await context.newPage();
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await context?.close();
    if (profile !== undefined) rmSync(profile, { recursive: true, force: true });
    await domain?.stop();
  });

  async function logIn(): Promise<void> {
    await page.goto(`${base}/login`);
    await page.fill('#username', 'totp user/mfatest1');
    await page.fill('#password', 'totp-demo');
    await page.click('#login-submit');
  }

  it('enrolls a device, then logs in with a token', async () => {
    await logIn();
    await page.waitForSelector('#enroll-form');
    const uri = new URL((await page.textContent('#otpauth-uri')) ?? '');
    const secret = uri.searchParams.get('secret') ?? '';
    expect(await page.locator('#qr-code svg').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'totp-enrollment.png'), fullPage: true });

    await page.fill('#deviceName', 'x');
    await page.fill('#token', tokenAt(secret));
    await page.click('#enroll-submit');
    expect(await page.textContent('#message')).toContain('Device name "x" is invalid');

    await page.fill('#deviceName', 'phone1');
    await page.fill('#token', tokenAt(secret));
    await page.click('#enroll-submit');
    await page.waitForSelector('#scratch-codes');
    expect(await page.locator('#scratch-codes li').count()).toBe(10);
    await page.click('#continue');
    expect(await page.textContent('#user')).toBe('totp user/mfatest1');

    const session = (await context.cookies(base)).find((cookie) => cookie.name === 'DomAuthSessId');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');

    await page.click('#logout');
    await logIn();
    await page.waitForSelector('#token-form');
    await page.fill('#token', tokenAt(secret, 1));
    await page.click('#token-submit');
    await page.waitForSelector('#login-method');
    expect(await page.textContent('#user')).toBe('totp user/mfatest1');
    expect(await page.textContent('#login-method')).toContain('Logged in with name, password and TOTP token');
    await page.screenshot({ path: join(ARTIFACTS, 'totp-logged-in.png'), fullPage: true });
  });
});
