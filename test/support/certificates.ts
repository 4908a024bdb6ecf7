/**
 * Certificates for mutual-TLS tests (RFC 8705), made with the `openssl` command in a temporary
 * directory that is removed afterwards: a CA, a server certificate for 127.0.0.1, two client
 * certificates signed by the CA (A and B), and a self-signed client certificate. Each client
 * certificate comes with its `x5t#S256` thumbprint (base64url SHA-256 of its DER encoding),
 * computed independently of tokengate. EC P-256 keys keep generation fast.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private key and its certificate, both PEM. */
export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

/** A client certificate: its key, its PEM, its DER and its `x5t#S256`. */
export interface ClientCertificate extends KeyPair {
  readonly der: Buffer;
  readonly thumbprint: string;
}

/** Everything a mutual-TLS test needs. */
export interface TestCertificates {
  /** The CA certificate (PEM) that signed the server certificate and clients A and B. */
  readonly ca: string;
  /** The server's key and certificate, for 127.0.0.1 (subjectAltName IP:127.0.0.1). */
  readonly server: KeyPair;
  readonly clientA: ClientCertificate;
  readonly clientB: ClientCertificate;
  /** Signed by its own key: the self-signed certificate binding of RFC 8705 §2.2. */
  readonly selfSigned: ClientCertificate;
}

const OPENSSL = '/usr/bin/openssl';
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** `x5t#S256` of a PEM certificate: base64url(SHA-256(DER)). */
export function thumbprintOf(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
}

/**
 * Make the certificates (a few hundred milliseconds); call once per test file, in `beforeAll`.
 * @example const certificates = createTestCertificates();
 */
export function createTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'tokengate-mtls-'));
  const at = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => {
    execFileSync(OPENSSL, args, { cwd: dir, timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const read = (name: string): string => readFileSync(at(name), 'utf8');

  /** A key and a certificate signed by the CA, with `extensions` (an openssl extension file body). */
  const signed = (name: string, subject: string, extensions: string): KeyPair => {
    writeFileSync(at(`${name}.ext`), extensions);
    openssl('req', '-new', ...EC_KEY, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', subject);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-set_serial', `0x${createHash('sha256').update(name).digest('hex').slice(0, 16)}`, '-days', '2', '-sha256', '-extfile', at(`${name}.ext`), '-out', at(`${name}.pem`));
    return { key: read(`${name}.key`), cert: read(`${name}.pem`) };
  };
  const client = (pair: KeyPair): ClientCertificate => ({ ...pair, der: new X509Certificate(pair.cert).raw, thumbprint: thumbprintOf(pair.cert) });

  try {
    openssl('req', '-x509', ...EC_KEY, '-keyout', at('ca.key'), '-out', at('ca.pem'), '-days', '2', '-sha256', '-subj', '/CN=tokengate test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    const server = signed('server', '/CN=127.0.0.1', 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
    const clientExtensions = 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';
    const clientA = client(signed('client-a', '/CN=client A', clientExtensions));
    const clientB = client(signed('client-b', '/CN=client B', clientExtensions));
    openssl('req', '-x509', ...EC_KEY, '-keyout', at('self.key'), '-out', at('self.pem'), '-days', '2', '-sha256', '-subj', '/CN=self-signed client', '-addext', 'extendedKeyUsage=clientAuth');
    const selfSigned = client({ key: read('self.key'), cert: read('self.pem') });
    return { ca: read('ca.pem'), server, clientA, clientB, selfSigned };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
