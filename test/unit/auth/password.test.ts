/** Password hashes: scrypt with its parameters in the stored form. */
import { hashPassword, passwordHashParameters, verifyPassword } from '../../../shared/auth/password';

describe('password hashes', () => {
  it('verify the password they were made from and nothing else', async () => {
    const stored = await hashPassword('blue-harbor-lantern-42');
    const { N, r, p } = passwordHashParameters;
    expect(stored).toMatch(new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    await expect(verifyPassword('blue-harbor-lantern-42', stored)).resolves.toBe(true);
    await expect(verifyPassword('blue-harbor-lantern-43', stored)).resolves.toBe(false);
  });

  it('are salted: the same password hashes differently each time', async () => {
    const [a, b] = await Promise.all([hashPassword('same password!'), hashPassword('same password!')]);
    expect(a).not.toBe(b);
  });

  it('treat a stored value in another form as no match', async () => {
    await expect(verifyPassword('x', 'bcrypt$2b$10$abc')).resolves.toBe(false);
    await expect(verifyPassword('x', '')).resolves.toBe(false);
  });

  it('verify hashes made with other parameters, as stored', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('older password', salt, 32, { N: 1024, r: 8, p: 1 });
    const stored = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    await expect(verifyPassword('older password', stored)).resolves.toBe(true);
  });
});
