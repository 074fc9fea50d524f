import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../../shared/errors.js';

const run = promisify(execFile);

export interface ServingCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/**
 * A fresh CA and a serving certificate for 127.0.0.1 and localhost, EC P-256, made with the
 * openssl CLI (node:crypto cannot issue X.509 certificates).
 */
export async function makeServingCerts(): Promise<ServingCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'burn-sim-certs-'));
  const openssl = async (...args: string[]) => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UserError('burn sim needs the openssl command to make its certificates, and it is not on PATH', { hint: 'install openssl (apt-get install openssl)' });
      throw err;
    }
  };
  try {
    await writeFile(
      join(dir, 'ext.cnf'),
      ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'].join('\n') + '\n',
    );
    await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key');
    await openssl('req', '-x509', '-new', '-key', 'ca.key', '-sha256', '-days', '3650', '-subj', '/CN=burn-sim-ca', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'ca.crt');
    await openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'server.key');
    await openssl('req', '-new', '-key', 'server.key', '-subj', '/CN=kube-apiserver', '-out', 'server.csr');
    await openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '3650', '-sha256', '-extfile', 'ext.cnf', '-out', 'server.crt');
    const [caPem, certPem, keyPem] = await Promise.all(['ca.crt', 'server.crt', 'server.key'].map((f) => readFile(join(dir, f), 'utf8')));
    return { caPem: caPem!, certPem: certPem!, keyPem: keyPem! };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
