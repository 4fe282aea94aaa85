import { authenticator } from 'otplib';
import { HashAlgorithms } from 'otplib/core';

/** A page as a test reads it: status, HTML, Set-Cookie headers and the location of a redirect. */
export interface WebPage {
  readonly status: number;
  readonly html: string;
  readonly setCookies: readonly string[];
  readonly location?: string;
}

/**
 * A minimal browser for the login pages: keeps cookies between requests like a browser
 * with one tab, posts forms URL-encoded, and follows no redirects by itself.
 */
export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  get(path: string): Promise<WebPage> {
    return this.send(path, { method: 'GET' });
  }

  post(path: string, fields: Record<string, string>): Promise<WebPage> {
    return this.send(path, { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  /** Posts a raw body, e.g. an oversized form. */
  postRaw(path: string, body: string): Promise<WebPage> {
    return this.send(path, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async send(path: string, init: { method: string; body?: string; headers?: Record<string, string> }): Promise<WebPage> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const headers = { ...init.headers, ...(cookie === '' ? {} : { cookie }) };
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    const setCookies = response.headers.getSetCookie();
    for (const header of setCookies) {
      const [pair] = header.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      if (value === '' || /Max-Age=0/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, html: await response.text(), setCookies, location: response.headers.get('location') ?? undefined };
  }
}

/** The text of the page's message paragraph, unescaped; empty when the page has none. */
export function messageOf(page: WebPage): string {
  const match = /<p id="message"[^>]*>([^<]*)<\/p>/.exec(page.html);
  return match === null ? '' : unescape(match[1]);
}

/** The text of the element with this id, unescaped. */
export function textById(page: WebPage, id: string): string {
  const match = new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(page.html);
  if (match === null) throw new Error(`the page has no element #${id}:\n${page.html.slice(0, 2000)}`);
  return unescape(match[1]);
}

export function scratchCodesOf(page: WebPage): string[] {
  const list = /<ol class="codes" id="scratch-codes">(.*?)<\/ol>/s.exec(page.html);
  return list === null ? [] : [...list[1].matchAll(/<li>(\d+)<\/li>/g)].map((match) => match[1]);
}

/** The secret of the otpauth URI on an enrollment page. */
export function secretOf(page: WebPage): string {
  return new URL(textById(page, 'otpauth-uri')).searchParams.get('secret') ?? '';
}

/** The token an SHA-256 authenticator app shows `steps` time steps from now. */
export function tokenAt(secret: string, steps = 0, algorithm: HashAlgorithms = HashAlgorithms.SHA256): string {
  return authenticator.clone({ algorithm, digits: 6, step: 30, epoch: Date.now() + steps * 30_000 }).generate(secret);
}

function unescape(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
