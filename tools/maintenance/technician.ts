// A technician's key (P-256, PKCS#8 PEM on the technician's machine) and logging in with it.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../firmware/core/evidence/bytes';
import { authDocument } from '../../firmware/core/maintenance/auth';
import { UsageError } from '../errors';
import type { MaintenanceClient } from './client';

/** SEC1 uncompressed public key of a P-256 key, as 130 hex digits (what provisioning lists). */
export function publicKeyHex(key: KeyObject): string {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  return '04' + Buffer.from(jwk.x!, 'base64url').toString('hex') + Buffer.from(jwk.y!, 'base64url').toString('hex');
}

export function newTechnicianKey(): { pem: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKeyHex(privateKey) };
}

export function loadTechnicianKey(file: string, command: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`${command}: cannot read key file ${file}`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new UsageError(`${command}: ${file}: not a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new UsageError(`${command}: ${file}: not a P-256 key`);
  return key;
}

/** P-256 ECDSA over SHA-256(message), r ‖ s. */
export function signWith(key: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign('sha256', message, { key, dsaEncoding: 'ieee-p1363' }));
}

/** hello → sign the challenge → auth. Returns the device's id. */
export async function authenticate(client: MaintenanceClient, technician: string, key: KeyObject): Promise<string> {
  const hello = await client.call({ cmd: 'hello' });
  const deviceId = hello.head.deviceId;
  if (typeof deviceId !== 'string') throw new UsageError('the device is not provisioned: provision it first');
  const challenge = fromHex(String(hello.head.challenge));
  const signature = Buffer.from(signWith(key, authDocument(deviceId, challenge))).toString('hex');
  await client.call({ cmd: 'auth', technician, signature });
  return deviceId;
}
