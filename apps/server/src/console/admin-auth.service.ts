import { randomBytes } from 'node:crypto';

import { ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';

import { Forms, type Note, textItem, textListItem } from '@domsim/directory';
import { nameKey, tryNameKey } from '@domsim/names';
import { hashInternetPassword, verifyInternetPassword } from '@domsim/pki';

import { DomainDirectoryService } from '../directory/domain-directory.service';
import { LoginLockout, lockedMessage } from '../web-login/login-lockout';
import { PersonRepository } from '../web-login/person.repository';

/** Checked against when the person is unknown or has no Internet password; no password matches it. */
const UNKNOWN_PERSON_HASH = hashInternetPassword(randomBytes(32).toString('base64'));

/** The WWW-Authenticate header sent with a 401 from the HTTP console. */
export const CONSOLE_AUTH_CHALLENGE = 'Basic realm="domsim console", charset="UTF-8"';

/**
 * Checks HTTP Basic credentials for the HTTP console against this server's names.nsf: the
 * person's Internet password, and the person's name in the Administrators field of this
 * server's Server document. Wrong passwords count toward the same lockout as web logins.
 */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly directory: DomainDirectoryService,
    private readonly people: PersonRepository,
    private readonly lockout: LoginLockout,
  ) {}

  /**
   * @returns the administrator's canonical name.
   * @throws UnauthorizedException without valid credentials; ForbiddenException for a locked account, or a person who is not an administrator of this server.
   */
  authenticate(authorization: string | undefined): string {
    const credentials = parseBasic(authorization);
    const account = credentials === undefined ? undefined : this.people.accountOf(credentials.user);
    const lockedFor = account === undefined ? 0 : this.lockout.lockedFor(account);
    if (lockedFor > 0) throw new ForbiddenException(lockedMessage(lockedFor));

    const person = credentials === undefined ? undefined : this.findPerson(credentials.user);
    const hash = person === undefined ? '' : textItem(person.items, 'HTTPPassword');
    // An unknown name costs the same hash as a known one, so timing does not tell which names exist.
    const valid = credentials !== undefined && verifyInternetPassword(credentials.password, hash === '' ? UNKNOWN_PERSON_HASH : hash) && hash !== '';
    if (credentials === undefined || person === undefined || !valid) {
      const lockedNow = account === undefined ? 0 : this.lockout.recordFailure(account);
      if (lockedNow > 0) throw new ForbiddenException(lockedMessage(lockedNow));
      throw new UnauthorizedException('Log in with the name and Internet password of an administrator of this server');
    }
    if (account !== undefined) this.lockout.reset(account);

    const name = textListItem(person.items, 'FullName')[0];
    if (!this.isAdministrator(name)) {
      throw new ForbiddenException(`${name} is not in the Administrators field of the Server document of ${this.directory.serverName}`);
    }
    return name;
  }

  private findPerson(user: string): Note | undefined {
    const wanted = user.trim().toLowerCase();
    const wantedKey = tryNameKey(user);
    for (const note of this.directory.names().documentsOfForm(Forms.Person)) {
      const names = textListItem(note.items, 'FullName');
      if (wantedKey !== undefined && names.some((name) => tryNameKey(name) === wantedKey)) return note;
      const aliases = [textItem(note.items, 'ShortName'), textItem(note.items, 'InternetAddress')].filter((alias) => alias !== '');
      if (aliases.some((alias) => alias.toLowerCase() === wanted)) return note;
    }
    return undefined;
  }

  private isAdministrator(person: string): boolean {
    const self = nameKey(this.directory.serverName);
    const key = tryNameKey(person);
    for (const note of this.directory.names().documentsOfForm(Forms.Server)) {
      if (tryNameKey(textItem(note.items, 'ServerName')) !== self) continue;
      return textListItem(note.items, 'Administrators').some((administrator) => tryNameKey(administrator) === key);
    }
    return false;
  }
}

function parseBasic(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined || !header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator <= 0) return undefined;
  return { user: decoded.slice(0, separator), password: decoded.slice(separator + 1) };
}
