import { describe, expect, it } from 'vitest';
import { bcryptWithSalt, decode64 } from '../../src/template/funcs/bcrypt.js';
import { go } from './helpers.js';

/** Hashes written by Go's golang.org/x/crypto/bcrypt v0.26.0 (the version sprig v3.3.0 uses). */
const GO_HASHES: [string, string][] = [
  ['x', '$2a$04$OEJsi3h/uVR5oFLaEtUiN.Cw7iBJyGMcv/gaeiDO1XCo4iXrTQwpS'],
  ['secret', '$2a$10$GOztvCSnu7gsffrt4wAs/.kLVkH1hVEshCtZKwIhHnwqDbMOqk3Hy'],
  ['', '$2a$10$7YepCQ5VaS3i5Rw9Ja5APeOo6bFW6YtaitT0tyb8PehjI3WK4oRxi'],
  ['pässwörd with spaces and a long tail 0123456789012345678901234567890', '$2a$10$TZKGjC848v/DILtzXNmoju3XqBb2PvXbOuijyEUiHYhCZ0BJAPm5i'],
];

describe('bcrypt (sprig bcrypt and htpasswd)', () => {
  it.each(GO_HASHES)('hashes %j with the salt of a Go hash into that same hash', (password, hash) => {
    const salt = decode64(hash.slice(7, 29)).slice(0, 16);
    expect(bcryptWithSalt(password, salt, Number(hash.slice(4, 6)))).toBe(hash);
  });

  it('bcrypt and htpasswd give $2a$10$ hashes with a fresh salt each time', () => {
    const a = go('{{ bcrypt "secret" }}');
    const b = go('{{ bcrypt "secret" }}');
    expect(a).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(a).not.toBe(b);
    expect(go('{{ htpasswd "user" "secret" }}')).toMatch(/^user:\$2a\$10\$[./A-Za-z0-9]{53}$/);
  });
});
