import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { go } from './helpers.js';

/** sprig's certificate functions: what Go's sprig sets, checked by parsing with node's X.509 parser. */
describe('certificates (genCA, genSelfSignedCert, genSignedCert)', () => {
  const split = (out: string) => out.split('|') as [string, string, string?, string?];

  it('genCA makes a self-signed CA with the key it returns', () => {
    const [certPem, keyPem] = split(go('{{ $ca := genCA "burn-ca" 30 }}{{ $ca.Cert }}|{{ $ca.Key }}'));
    const cert = new X509Certificate(certPem);
    expect(cert.subject).toBe('CN=burn-ca');
    expect(cert.issuer).toBe('CN=burn-ca');
    expect(cert.ca).toBe(true);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(keyPem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(cert.publicKey.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }));
    const days = (Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 86_400_000;
    expect(days).toBe(30);
  });

  it('genSignedCert is signed by the CA and carries the IPs and DNS names', () => {
    const out = go('{{ $ca := genCAWithKey "ca" 10 (genPrivateKey "ecdsa") }}{{ $c := genSignedCert "leaf" (list "10.0.0.1" "::1") (list "leaf.local") 5 $ca }}{{ $ca.Cert }}|{{ $c.Cert }}');
    const [caPem, leafPem] = split(out);
    const ca = new X509Certificate(caPem);
    const leaf = new X509Certificate(leafPem!);
    expect(leaf.ca).toBe(false);
    expect(leaf.issuer).toBe('CN=ca');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:leaf.local, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
  });

  it('genSelfSignedCertWithKey keeps the given ed25519 key', () => {
    const [certPem, keyPem] = split(go('{{ $c := genSelfSignedCertWithKey "x" nil (list "x.example") 1 (genPrivateKey "ed25519") }}{{ $c.Cert }}|{{ $c.Key }}'));
    const cert = new X509Certificate(certPem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
  });
});
