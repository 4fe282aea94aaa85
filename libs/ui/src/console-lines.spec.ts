import { stripConsolePrefix } from './console-lines';

describe('stripConsolePrefix', () => {
  it('removes the Linux console prefix', () => {
    expect(stripConsolePrefix('[015689:000002-00007F003D490200] 12/04/2026 23:20:59   MFA Trust created successfully')).toBe('MFA Trust created successfully');
  });

  it('leaves a line without prefix', () => {
    expect(stripConsolePrefix('/mfatest1 trusts /mfatest1 for MFA')).toBe('/mfatest1 trusts /mfatest1 for MFA');
  });
});
