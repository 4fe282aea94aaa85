import { Injectable } from '@nestjs/common';

import { Forms, type Note, textItem, textListItem } from '@domsim/directory';
import { readNameAndPassword, type NameAndPasswordSetting } from '@domsim/mfa';
import { tryNameKey } from '@domsim/names';
import { hashInternetPassword, verifyInternetPassword } from '@domsim/pki';

import { DomainDirectoryService } from '../directory/domain-directory.service';

/** Checked for unknown users too, so a login takes as long whether or not the name exists. */
const UNKNOWN_USER_HASH = hashInternetPassword('no user has this password');

/** Looks up people and this server's web settings in this server's names.nsf replica. */
@Injectable()
export class PersonRepository {
  constructor(private readonly directory: DomainDirectoryService) {}

  /**
   * Checks a name (full, short name or Internet address) and Internet password. Returns the
   * person's canonical name, or undefined for an unknown name, a person without an Internet
   * password or a wrong password.
   */
  authenticate(user: string, password: string): string | undefined {
    const person = this.findPerson(user);
    const hash = person === undefined ? '' : textItem(person.items, 'HTTPPassword');
    const valid = verifyInternetPassword(password, hash === '' ? UNKNOWN_USER_HASH : hash);
    return valid && person !== undefined && hash !== '' ? textListItem(person.items, 'FullName')[0] : undefined;
  }

  /**
   * Returns the account a login attempt counts against. For a person it is the canonical
   * name key, so the full name, short name and Internet address share one count. For a
   * name no person has it is the typed name, so unknown names lock like known ones.
   */
  accountOf(user: string): string {
    const person = this.findPerson(user);
    const name = person === undefined ? undefined : textListItem(person.items, 'FullName')[0];
    const key = name === undefined ? undefined : tryNameKey(name);
    return key ?? `unknown:${user.trim().toLowerCase()}`;
  }

  nameAndPassword(): NameAndPasswordSetting {
    return readNameAndPassword(this.directory.names(), this.directory.serverName);
  }

  private findPerson(user: string): Note | undefined {
    const wanted = user.trim().toLowerCase();
    const wantedKey = tryNameKey(user);
    for (const note of this.directory.names().documentsOfForm(Forms.Person)) {
      if (wantedKey !== undefined && textListItem(note.items, 'FullName').some((name) => tryNameKey(name) === wantedKey)) return note;
      const aliases = [textItem(note.items, 'ShortName'), textItem(note.items, 'InternetAddress')].filter((alias) => alias !== '');
      if (aliases.some((alias) => alias.toLowerCase() === wanted)) return note;
    }
    return undefined;
  }
}
