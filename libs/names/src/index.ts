export {
  abbreviate,
  canonicalize,
  certifierOf,
  type DominoName,
  nameKey,
  tryNameKey,
  parseName,
  sameName,
  toAbbreviated,
  toCanonical,
} from './domino-name';
export { InvalidNameError } from './errors';
export { toSubjectToken } from './subject-token';
export {
  certifierCovers,
  formatPatternAbbreviated,
  formatPatternCanonical,
  isWithinScope,
  matchesPattern,
  parseTrustPattern,
  type TrustPattern,
} from './trust-pattern';
