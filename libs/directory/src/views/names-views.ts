import { abbreviate } from '@domsim/names';

import { Forms, NAMES_NSF } from '../forms';
import { textItem, textListItem } from '../items';
import type { Note } from '../replica-state';
import type { ViewDefinition } from './view-definition';

/** Shows a stored canonical name the way Domino views do, abbreviated; text that is not a name stays as it is. */
export function displayName(value: string): string {
  if (value === '') return '';
  try {
    return abbreviate(value);
  } catch {
    return value;
  }
}

/** Formats an ISO timestamp as Domino shows dates in views: MM/DD/YYYY. */
export function displayDate(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const month = String(date.getUTCMonth() + 1).padStart(2, '0');
  const day = String(date.getUTCDate()).padStart(2, '0');
  return `${month}/${day}/${date.getUTCFullYear()}`;
}

const isForm = (note: Note, ...forms: string[]): boolean => forms.some((form) => note.form.toLowerCase() === form.toLowerCase());

export const CERTIFICATES_VIEW: ViewDefinition = {
  name: 'Certificates',
  aliases: ['($Certifiers)', 'Certs'],
  database: NAMES_NSF,
  forms: [Forms.Certifier, Forms.Certificate],
  selects: (note) => isForm(note, Forms.Certifier, Forms.Certificate),
  sortColumns: 3,
  columns: [
    { title: 'Type', value: (note) => textItem(note.items, 'CertificateType') },
    { title: 'Issued By', value: (note) => displayName(textItem(note.items, 'IssuedBy')) },
    { title: 'Issued To', value: (note) => displayName(textItem(note.items, 'IssuedTo')) },
    { title: 'Pattern', value: (note) => textItem(note.items, 'AllowedPattern') },
    { title: 'Expiration', value: (note) => displayDate(textItem(note.items, 'Expiration')) },
  ],
};

export const SERVERS_VIEW: ViewDefinition = {
  name: 'Servers',
  aliases: ['($Servers)', 'Server\\Servers'],
  database: NAMES_NSF,
  forms: [Forms.Server],
  selects: (note) => isForm(note, Forms.Server),
  sortColumns: 1,
  columns: [
    { title: 'Server Name', value: (note) => displayName(textItem(note.items, 'ServerName')) },
    { title: 'Domain', value: (note) => textItem(note.items, 'Domain') },
    { title: 'Cluster', value: (note) => textItem(note.items, 'ClusterName') },
    { title: 'Title', value: (note) => textItem(note.items, 'ServerTitle') },
  ],
};

export const PEOPLE_VIEW: ViewDefinition = {
  name: 'People',
  aliases: ['($People)', 'People\\People'],
  database: NAMES_NSF,
  forms: [Forms.Person],
  selects: (note) => isForm(note, Forms.Person),
  sortColumns: 1,
  columns: [
    { title: 'Name', value: (note) => displayName(textListItem(note.items, 'FullName')[0] ?? '') },
    { title: 'Internet Address', value: (note) => textItem(note.items, 'InternetAddress') },
  ],
};

export const CONNECTIONS_VIEW: ViewDefinition = {
  name: 'Connections',
  aliases: ['($Connections)', 'Server\\Connections'],
  database: NAMES_NSF,
  forms: [Forms.Connection],
  selects: (note) => isForm(note, Forms.Connection),
  sortColumns: 2,
  columns: [
    { title: 'Source', value: (note) => displayName(textItem(note.items, 'Source')) },
    { title: 'Destination', value: (note) => displayName(textItem(note.items, 'Destination')) },
    { title: 'Type', value: (note) => textItem(note.items, 'RepType') },
    { title: 'Interval', value: (note) => textItem(note.items, 'Interval') },
    { title: 'Enabled', value: (note) => textItem(note.items, 'Enabled') },
  ],
};

export const NAMES_VIEWS: readonly ViewDefinition[] = [CERTIFICATES_VIEW, SERVERS_VIEW, PEOPLE_VIEW, CONNECTIONS_VIEW];
